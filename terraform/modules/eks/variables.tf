variable "name" {
  description = "The cluster's name, e.g. birdai-ca4."
  type        = string
}

variable "kubernetes_version" {
  description = "e.g. \"1.33\"; null: the newest version EKS offers when the cluster is made."
  type        = string
  default     = null
}

variable "subnet_ids" {
  description = "Subnets for the control plane's interfaces and the nodes (public, in two zones or more)."
  type        = list(string)
}

variable "public_access_cidrs" {
  description = "Who may reach the Kubernetes API from the internet: your address as a /32."
  type        = list(string)
}

variable "cluster_log_types" {
  description = "Control-plane logs sent to CloudWatch (billed per GB): audit and authenticator say who did what."
  type        = list(string)
  default     = ["audit", "authenticator"]
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the control plane's logs."
  type        = number
  default     = 7
}

variable "node_groups" {
  description = "Managed node groups by name (cpu, gpu): instance types, AMI type, sizes, labels and taints."
  type = map(object({
    instance_types = list(string)
    ami_type       = string
    min_size       = number
    desired_size   = number
    max_size       = number
    disk_gb        = optional(number, 20)
    labels         = optional(map(string), {})
    taints = optional(list(object({
      key    = string
      value  = string
      effect = string
    })), [])
  }))
}

variable "irsa_namespace" {
  description = "The namespace of the service account that gets the S3 role (k8s/base: birdai)."
  type        = string
  default     = "birdai"
}

variable "irsa_service_account" {
  description = "The service account that gets the S3 role (k8s/base/serviceaccounts.yaml: birdai)."
  type        = string
  default     = "birdai"
}

variable "irsa_policy_json" {
  description = "The policy of the service account's role: the app's S3 access."
  type        = string
}
