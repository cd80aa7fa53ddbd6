# A public ACM certificate, validated through DNS: free, and renewed by AWS as long
# as the validation record stays. The caller passes a provider in us-east-1, the
# only region CloudFront takes certificates from.

resource "aws_acm_certificate" "this" {
  domain_name       = var.domain_name
  validation_method = "DNS"
  tags              = { Name = var.domain_name }

  lifecycle {
    # The distribution switches to the new certificate before the old one goes.
    create_before_destroy = true
  }
}

locals {
  validation_records = [
    for option in aws_acm_certificate.this.domain_validation_options : {
      name  = option.resource_record_name
      type  = option.resource_record_type
      value = option.resource_record_value
    }
  ]
}

resource "aws_route53_record" "validation" {
  # Keyed by the domain names, which are known before the certificate exists.
  for_each = var.route53_zone_id == null ? {} : {
    for option in aws_acm_certificate.this.domain_validation_options : option.domain_name => option
  }
  zone_id         = var.route53_zone_id
  name            = each.value.resource_record_name
  type            = each.value.resource_record_type
  records         = [each.value.resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

# Waits until ACM says "Issued". Without Route 53, first apply only the certificate
# (terraform apply -target=module.certificate), add the records it prints, then apply.
resource "aws_acm_certificate_validation" "this" {
  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [for record in aws_route53_record.validation : record.fqdn]

  timeouts {
    create = var.validation_timeout
  }
}
