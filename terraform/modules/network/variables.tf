variable "name" {
  description = "Prefix of every resource's Name tag, e.g. birdai-ca3."
  type        = string
}

variable "cidr_block" {
  description = "The VPC's address range; each subnet takes a /24 of it."
  type        = string
  default     = "10.0.0.0/16"
}

variable "az_count" {
  description = "Availability zones to spread over. RDS and EKS need two; one VM needs one."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 1 && var.az_count <= 3
    error_message = "az_count is 1, 2 or 3."
  }
}

variable "private_subnets" {
  description = "Make one private subnet per zone (no route out): where RDS lives."
  type        = bool
  default     = true
}

variable "public_ip_on_launch" {
  description = "Give every instance in the public subnets a public IPv4 address (EKS nodes need it without a NAT gateway)."
  type        = bool
  default     = false
}
