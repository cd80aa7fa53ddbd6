output "arn" {
  description = "The issued certificate (known once validation is done, so CloudFront never gets one still pending)."
  value       = aws_acm_certificate_validation.this.certificate_arn
}

output "validation_records" {
  description = "The DNS records that prove the domain is yours (CNAMEs), to add where your domain's DNS is."
  value       = local.validation_records
}
