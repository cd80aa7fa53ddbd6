# CA3's root with a mocked AWS: the tiers, CloudFront with your domain and its
# certificate, and what Ansible needs to deploy onto them.

mock_provider "aws" {
  source = "../mocks"
}

mock_provider "aws" {
  alias  = "us_east_1"
  source = "../mocks"

  # As in modules/certificate/tests: ACM's answer, known at plan time.
  override_resource {
    target          = module.certificate[0].aws_acm_certificate.this
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
  ssh_cidr = "203.0.113.5/32"
}

run "tiers_for_ansible" {
  command = apply

  assert {
    condition     = jsonencode({ for tier, hosts in output.hosts : tier => sort(keys(hosts)) }) == jsonencode({ proxy = ["proxy1"], app = ["app1", "app2"], worker = ["worker1"] })
    error_message = "A proxy, two app hosts, a worker; the database is RDS."
  }
  assert {
    condition = yamldecode(output.ansible_inventory).all.children.app.hosts == {
      app1 = { ansible_host = "203.0.113.10", birdai_address = "10.0.0.10" }
      app2 = { ansible_host = "203.0.113.10", birdai_address = "10.0.0.10" }
    }
    error_message = "The inventory: ssh to the public address, services on the private one."
  }
  assert {
    condition     = output.hosts.proxy.proxy1.public_ip == "198.51.100.10"
    error_message = "The proxy has a fixed address: CloudFront's origin must not move."
  }
  assert {
    condition     = alltrue([for role in [module.app.role_name, module.worker.role_name] : role != null]) && module.proxy.role_name == null
    error_message = "App and worker hosts read S3 through their role; the proxy has none."
  }
}

run "no_domain_cloudfront_name" {
  command = apply

  assert {
    condition     = output.site_url == "https://d1234abcd.cloudfront.net/" && length(module.certificate) == 0
    error_message = "Without a domain: CloudFront's name and certificate, no ACM."
  }
  assert {
    condition     = yamldecode(output.ansible_group_vars).birdai_server_name == "d1234abcd.cloudfront.net" && length(output.dns_records) == 0
    error_message = "Django answers to CloudFront's name; no DNS to set."
  }
}

run "own_domain_records_to_add" {
  command = apply

  variables {
    domain_name = "birdai.example.org"
  }

  assert {
    condition     = output.site_url == "https://birdai.example.org/" && length(aws_route53_record.site) == 0
    error_message = "Your domain, at a DNS provider of your own."
  }
  assert {
    condition = jsonencode(output.dns_records) == jsonencode([
      { name = "_abc123.birdai.example.org.", type = "CNAME", value = "_def456.acm-validations.aws." },
      { name = "birdai.example.org", type = "CNAME", value = "d1234abcd.cloudfront.net" },
    ])
    error_message = "Add the certificate's validation record and the site's CNAME."
  }
  assert {
    condition = output.app_env == {
      BIRDAI_ALLOWED_HOSTS        = "birdai.example.org"
      BIRDAI_BEHIND_PROXY         = "1"
      BIRDAI_CDN_DOMAIN           = "birdai.example.org"
      BIRDAI_CSRF_TRUSTED_ORIGINS = "https://birdai.example.org"
      BIRDAI_HTTPS                = "1"
      BIRDAI_S3_BUCKET            = module.storage.bucket
      BIRDAI_S3_REGION            = "us-east-1"
      DATABASE_URL                = "postgres://birdai:PASSWORD@birdai.abcdefghij.us-east-1.rds.amazonaws.com:5432/birdai?sslmode=require"
    }
    error_message = "HTTPS behind haproxy, photos from the same domain, the database over TLS."
  }
  assert {
    condition     = alltrue([for name in keys(output.app_env) : strcontains(file("../../.env.example"), "\n${name}=")])
    error_message = "Every setting named is one the app reads (.env.example)."
  }
  assert {
    condition = (
      yamldecode(output.ansible_group_vars).haproxy_cloudfront &&
      yamldecode(output.ansible_group_vars).birdai_storage_shared &&
      yamldecode(output.ansible_group_vars).birdai_extra_env.BIRDAI_S3_BUCKET == module.storage.bucket
    )
    error_message = "Ansible: haproxy behind CloudFront, the photos shared through S3."
  }
}

run "own_domain_in_route53" {
  command = apply

  variables {
    domain_name     = "birdai.example.org"
    route53_zone_id = "Z0123456789EXAMPLE"
  }

  assert {
    condition     = aws_route53_record.site[0].alias[0].name == "d1234abcd.cloudfront.net" && length(output.dns_records) == 0
    error_message = "With Route 53, the domain points at CloudFront by itself."
  }
}

run "three_app_hosts" {
  command = plan

  variables {
    app_hosts = 3
  }

  assert {
    condition     = length(module.app.hosts) == 3
    error_message = "app_hosts sets how many app hosts there are."
  }
}
