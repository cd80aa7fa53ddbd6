variable "region" {
  description = "Where the cluster, the bucket and the database live."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "The cluster's name and every resource's prefix."
  type        = string
  default     = "birdai-ca4"
}

variable "tags" {
  description = "Extra tags on every resource (Project, Stage and ManagedBy are always there)."
  type        = map(string)
  default     = {}
}

variable "admin_cidr" {
  description = "Your address as a /32: the only one that may reach the Kubernetes API."
  type        = string

  validation {
    condition     = can(cidrhost(var.admin_cidr, 0)) && var.admin_cidr != "0.0.0.0/0"
    error_message = "admin_cidr is an address range such as 203.0.113.5/32, and not the whole internet."
  }
}

variable "kubernetes_version" {
  description = "e.g. \"1.33\"; null: the newest EKS offers when the cluster is made."
  type        = string
  default     = null
}

variable "cpu_nodes" {
  description = "The CPU node group: type and sizes. t3.medium (2 vCPU, 4 GiB, ~30 USD a month each) holds web, worker, inference and the system pods on two nodes."
  type = object({
    instance_type = optional(string, "t3.medium")
    min_size      = optional(number, 1)
    desired_size  = optional(number, 2)
    max_size      = optional(number, 3)
  })
  default = {}
}

variable "gpu_nodes" {
  description = "The GPU node group for inference (k8s overlay gpu): off unless enabled. g4dn.xlarge: one NVIDIA T4, ~0.53 USD an hour."
  type = object({
    enabled       = optional(bool, false)
    instance_type = optional(string, "g4dn.xlarge")
    min_size      = optional(number, 0)
    desired_size  = optional(number, 1)
    max_size      = optional(number, 1)
  })
  default = {}
}

variable "bucket_name" {
  description = "The bucket's name (globally unique); null: birdai-ca4- and a suffix AWS makes unique."
  type        = string
  default     = null
}

variable "force_destroy_bucket" {
  description = "Let terraform destroy delete the bucket with the photos still in it."
  type        = bool
  default     = false
}

variable "db_instance_class" {
  description = "db.t4g.micro or db.t3.micro: 750 free hours a month on the 12-month offer."
  type        = string
  default     = "db.t4g.micro"
}

variable "db_password_rotation_days" {
  description = "Days between rotations of the database password (each one means a new DATABASE_URL and a restart); null: RDS's default, 7."
  type        = number
  default     = 365
}
