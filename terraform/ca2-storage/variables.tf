variable "region" {
  description = "Where the VM, the bucket and the database live: one region, so traffic between them stays cheap."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Prefix of every resource's name."
  type        = string
  default     = "birdai-ca2"
}

variable "tags" {
  description = "Extra tags on every resource (Project, Stage and ManagedBy are always there)."
  type        = map(string)
  default     = {}
}

variable "instance_type" {
  description = "t4g.small (arm64, 2 GiB, ~12.25 USD a month) is the cheapest that fits; t3.small on x86-64; the micro types need the swap and GUNICORN_WORKERS=1."
  type        = string
  default     = "t4g.small"
}

variable "ami_id" {
  description = "Pin an AMI; null: the current Ubuntu 24.04 for the instance type's architecture."
  type        = string
  default     = null
}

variable "ssh_cidr" {
  description = "Your address as a /32 (curl -s https://checkip.amazonaws.com): the only one that may ssh in."
  type        = string

  validation {
    condition     = can(cidrhost(var.ssh_cidr, 0)) && var.ssh_cidr != "0.0.0.0/0"
    error_message = "ssh_cidr is an address range such as 203.0.113.5/32, and not the whole internet."
  }
}

variable "ssh_public_key" {
  description = "Your ssh public key (the text of ~/.ssh/id_ed25519.pub); null: no key pair (EC2 Instance Connect)."
  type        = string
  default     = null
}

variable "web_cidr_blocks" {
  description = "Who may reach the site on 8000 (gunicorn)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "bucket_name" {
  description = "The bucket's name (globally unique); null: birdai-ca2- and a suffix AWS makes unique."
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
