data "aws_region" "current" {}

locals {
  # The name in the app's photo URLs: your domain when the distribution has one.
  cdn_domain = local.custom_domain ? var.aliases[0] : aws_cloudfront_distribution.this.domain_name
}

output "bucket" {
  description = "The bucket's name."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "The bucket's ARN."
  value       = aws_s3_bucket.this.arn
}

output "distribution_id" {
  description = "The CloudFront distribution (for invalidations)."
  value       = aws_cloudfront_distribution.this.id
}

output "distribution_domain_name" {
  description = "CloudFront's own name for the distribution (d1234abcd.cloudfront.net): point your domain's CNAME here."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "distribution_hosted_zone_id" {
  description = "CloudFront's Route 53 zone, for an alias record to the distribution."
  value       = aws_cloudfront_distribution.this.hosted_zone_id
}

output "cdn_domain" {
  description = "The name photos are served from: your domain, or CloudFront's."
  value       = local.cdn_domain
}

output "app_policy_json" {
  description = "The IAM policy the app's role needs: objects under media/ and originals/, and listing the bucket."
  value       = data.aws_iam_policy_document.app.json
}

output "env" {
  description = "The app's S3 settings (.env.example: BIRDAI_S3_*, BIRDAI_CDN_DOMAIN)."
  value = {
    BIRDAI_S3_BUCKET  = aws_s3_bucket.this.id
    BIRDAI_S3_REGION  = data.aws_region.current.name
    BIRDAI_CDN_DOMAIN = local.cdn_domain
  }
}
