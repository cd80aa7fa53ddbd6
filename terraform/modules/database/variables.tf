variable "name" {
  description = "The instance's identifier, e.g. birdai-ca2."
  type        = string
}

variable "vpc_id" {
  description = "The VPC of the database's security group."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets in at least two zones (RDS wants two, even Single-AZ)."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups whose members may connect on 5432: the app and worker hosts (or the EKS nodes)."
  type        = list(string)
}

variable "instance_class" {
  description = "db.t4g.micro or db.t3.micro: 750 free hours a month on the 12-month offer."
  type        = string
  default     = "db.t4g.micro"
}

variable "engine_version" {
  description = "PostgreSQL major version; RDS picks the newest minor and upgrades minors itself."
  type        = string
  default     = "17"
}

variable "allocated_storage_gb" {
  description = "gp3 storage; 20 GB is free, and autoscaling stays off so it cannot grow past that."
  type        = number
  default     = 20
}

variable "db_name" {
  description = "The database the app uses."
  type        = string
  default     = "birdai"
}

variable "username" {
  description = "The master user; its password is made by RDS and kept in Secrets Manager, never in Terraform."
  type        = string
  default     = "birdai"
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time restore); 20 GB of them are free."
  type        = number
  default     = 7
}

variable "password_rotation_days" {
  description = "Days between rotations of the master password. The app reads DATABASE_URL when it starts, so each rotation means new settings and a restart. null: RDS's own schedule, every 7 days."
  type        = number
  default     = 365
}

variable "deletion_protection" {
  description = "Refuse to delete the database (turn off before terraform destroy)."
  type        = bool
  default     = false
}

variable "final_snapshot" {
  description = "Keep a snapshot when the database is destroyed (billed as backup storage until you delete it)."
  type        = bool
  default     = false
}
