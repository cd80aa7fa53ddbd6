variable "name" {
  description = "The tier's name, e.g. birdai-ca3-app: its security group, role and tags carry it."
  type        = string
}

variable "role" {
  description = "What the hosts do (web, app, proxy, worker): their Role tag."
  type        = string
}

variable "host_names" {
  description = "One instance per name, e.g. [\"app1\", \"app2\"]; spread over the subnets in turn."
  type        = list(string)
}

variable "instance_type" {
  description = "EC2 type. t4g (Graviton, arm64) or t3 (x86-64); the AMI follows the architecture."
  type        = string
}

variable "ami_id" {
  description = "An AMI to pin; null: the current Ubuntu 24.04 LTS for the type's architecture, from Canonical's SSM parameter."
  type        = string
  default     = null
}

variable "network" {
  description = "Where the hosts go: the VPC, its range (the hosts may reach any port inside it: the database, each other) and public subnets, used in turn (the network module's output public)."
  type = object({
    vpc_id     = string
    cidr_block = string
    subnet_ids = list(string)
  })
}

variable "ssh" {
  description = "ssh access: the EC2 key pair (null: none, use EC2 Instance Connect) and who may connect to 22 (your address as a /32)."
  type = object({
    key_name    = optional(string)
    cidr_blocks = list(string)
  })
}

variable "ingress" {
  description = "What else may come in: a TCP port and where from (address ranges, security groups, prefix lists)."
  type = list(object({
    description        = string
    port               = number
    cidr_blocks        = optional(list(string), [])
    security_group_ids = optional(list(string), [])
    prefix_list_ids    = optional(list(string), [])
  }))
  default = []
}

variable "root_volume_gb" {
  description = "The root disk (gp3, encrypted). 30 GB is the free tier's whole allowance."
  type        = number
  default     = 8
}

variable "swap_gb" {
  description = "A swap file made at first boot (the model's peaks on 1–2 GB instances); 0: none."
  type        = number
  default     = 0
}

variable "packages" {
  description = "Debian/Ubuntu packages cloud-init installs at first boot."
  type        = list(string)
  default     = []
}

variable "elastic_ip" {
  description = "A fixed public address that survives stop and start (billed as any public IPv4, ~3.65 USD a month)."
  type        = bool
  default     = false
}

variable "instance_role" {
  description = "Give the hosts an IAM role with instance_policy_json (the app reads S3 with it, no keys)."
  type        = bool
  default     = false
}

variable "instance_policy_json" {
  description = "The role's policy, when instance_role is true."
  type        = string
  default     = null
}
