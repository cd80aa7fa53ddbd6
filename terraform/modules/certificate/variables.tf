variable "domain_name" {
  description = "The site's name, e.g. birdai.example.org."
  type        = string
}

variable "route53_zone_id" {
  description = "A Route 53 hosted zone for the domain: the validation records go there and the certificate is issued in one apply. null: add the records at your DNS provider (output validation_records)."
  type        = string
  default     = null
}

variable "validation_timeout" {
  description = "How long apply waits for the certificate to be issued."
  type        = string
  default     = "45m"
}
