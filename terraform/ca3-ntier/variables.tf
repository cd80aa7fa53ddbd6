variable "region" {
  description = "Where the hosts, the bucket and the database live."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Prefix of every resource's name."
  type        = string
  default     = "birdai-ca3"
}

variable "tags" {
  description = "Extra tags on every resource (Project, Stage and ManagedBy are always there)."
  type        = map(string)
  default     = {}
}

variable "instance_types" {
  description = "EC2 type of each tier (docs/stages/ca3.md: the cheap layout). The worker holds the model (~700 MB)."
  type        = object({ proxy = string, app = string, worker = string })
  default     = { proxy = "t4g.micro", app = "t4g.micro", worker = "t4g.small" }
}

variable "app_hosts" {
  description = "How many app hosts behind the proxy (app1, app2, ...)."
  type        = number
  default     = 2
}

variable "ami_id" {
  description = "Pin an AMI for every host (its architecture must match the types); null: the current Ubuntu 24.04 for each."
  type        = string
  default     = null
}

variable "ssh_cidr" {
  description = "Your address as a /32 (curl -s https://checkip.amazonaws.com): the only one that may ssh into the hosts (Ansible comes this way)."
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

variable "domain_name" {
  description = "Your site's name, e.g. birdai.example.org: an ACM certificate for it on CloudFront. Empty: CloudFront's own name and certificate (dxxxx.cloudfront.net)."
  type        = string
  default     = ""
}

variable "route53_zone_id" {
  description = "The Route 53 hosted zone of domain_name: the certificate is validated there in one apply. null: add the validation records yourself (README.md)."
  type        = string
  default     = null
}

variable "bucket_name" {
  description = "The bucket's name (globally unique); null: birdai-ca3- and a suffix AWS makes unique."
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
