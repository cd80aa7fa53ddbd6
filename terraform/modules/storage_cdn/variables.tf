variable "name" {
  description = "Prefix of the bucket's name and of the CDN's resources, e.g. birdai-ca2."
  type        = string
}

variable "bucket_name" {
  description = "The bucket's name (globally unique); null: the name prefix and a unique suffix from AWS."
  type        = string
  default     = null
}

variable "force_destroy" {
  description = "Let terraform destroy delete a bucket that still holds photos (they are gone for good)."
  type        = bool
  default     = false
}

variable "app_origin_domain" {
  description = "The app's public DNS name (CA3: the proxy), for every path but media/; null: the CDN serves media/ only."
  type        = string
  default     = null
}

variable "aliases" {
  description = "Your domain names on the distribution (needs certificate_arn)."
  type        = list(string)
  default     = []
}

variable "certificate_arn" {
  description = "An ACM certificate in us-east-1 covering the aliases; used only with aliases."
  type        = string
  default     = null
}

variable "price_class" {
  description = "PriceClass_100: North America and Europe only, the cheapest."
  type        = string
  default     = "PriceClass_100"
}
