# The ACM certificate with a mocked AWS: validated by DNS, in Route 53 when a zone
# is given, and its ARN handed on only once it is issued.

mock_provider "aws" {
  source = "../../mocks"

  # What ACM answers: one CNAME per name. The provider knows the names at plan
  # time (the records are keyed by them); the mock must say so too, and then give
  # every computed value itself, or plan and apply would make up different ones.
  override_resource {
    target          = aws_acm_certificate.this
    override_during = plan
    values = {
      arn                       = "arn:aws:acm:us-east-1:123456789012:certificate/example"
      id                        = "arn:aws:acm:us-east-1:123456789012:certificate/example"
      key_algorithm             = "RSA_2048"
      not_after                 = "2027-12-01T00:00:00Z"
      not_before                = "2026-12-01T00:00:00Z"
      pending_renewal           = false
      renewal_eligibility       = "INELIGIBLE"
      renewal_summary           = []
      status                    = "PENDING_VALIDATION"
      subject_alternative_names = ["birdai.example.org"]
      tags_all                  = {}
      type                      = "AMAZON_ISSUED"
      validation_emails         = []
      domain_validation_options = [{
        domain_name           = "birdai.example.org"
        resource_record_name  = "_abc123.birdai.example.org."
        resource_record_type  = "CNAME"
        resource_record_value = "_def456.acm-validations.aws."
      }]
    }
  }
}

variables {
  domain_name = "birdai.example.org"
}

run "validated_by_dns_you_add" {
  command = apply

  assert {
    condition     = aws_acm_certificate.this.validation_method == "DNS" && aws_acm_certificate.this.domain_name == "birdai.example.org"
    error_message = "DNS validation: renewed by AWS for as long as the record stays."
  }
  assert {
    condition     = length(aws_route53_record.validation) == 0
    error_message = "Without a zone, nothing is written to Route 53."
  }
  assert {
    condition     = output.validation_records == [{ name = "_abc123.birdai.example.org.", type = "CNAME", value = "_def456.acm-validations.aws." }]
    error_message = "The records to add at your DNS provider."
  }
  assert {
    condition     = output.arn == aws_acm_certificate_validation.this.certificate_arn
    error_message = "The ARN comes from the validation: CloudFront never gets a pending certificate."
  }
}

run "validated_in_route53" {
  command = apply

  variables {
    route53_zone_id = "Z0123456789EXAMPLE"
  }

  assert {
    condition     = aws_route53_record.validation["birdai.example.org"].name == "_abc123.birdai.example.org." && aws_route53_record.validation["birdai.example.org"].zone_id == "Z0123456789EXAMPLE"
    error_message = "The validation record goes into the zone."
  }
  assert {
    condition     = length(aws_acm_certificate_validation.this.validation_record_fqdns) == 1
    error_message = "The validation waits for that record."
  }
}
