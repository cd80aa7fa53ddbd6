# CA2's root with a mocked AWS: the VM, the bucket behind CloudFront and RDS
# wired together, and the settings the app reads.

mock_provider "aws" {
  source = "../mocks"
}

variables {
  ssh_cidr = "203.0.113.5/32"
}

run "wired_together" {
  command = apply

  assert {
    condition     = output.bucket == module.storage.bucket && output.cdn_domain == "d1234abcd.cloudfront.net"
    error_message = "The bucket and CloudFront's name for it."
  }
  assert {
    condition     = output.database_address == "birdai.abcdefghij.us-east-1.rds.amazonaws.com"
    error_message = "The RDS endpoint."
  }
  assert {
    condition     = output.url == "http://ec2-198-51-100-10.compute-1.amazonaws.com:8000/"
    error_message = "The VM serves on 8000, at its Elastic IP's name."
  }
  assert {
    condition     = startswith(output.database_url_command, "aws secretsmanager get-secret-value") && strcontains(output.database_url_command, output.database_password_secret_arn)
    error_message = "The password is read from Secrets Manager, not from Terraform."
  }
  assert {
    condition     = module.vm.role_name != null
    error_message = "The VM reads S3 through an instance role: no keys on it."
  }
}

run "settings_are_the_ones_the_app_reads" {
  command = apply

  assert {
    condition = keys(output.app_env) == [
      "BIRDAI_ALLOWED_HOSTS", "BIRDAI_CDN_DOMAIN", "BIRDAI_HTTPS", "BIRDAI_S3_BUCKET", "BIRDAI_S3_REGION", "DATABASE_URL",
    ]
    error_message = "S3, the CDN, the database, the host name and plain HTTP: CA2's settings."
  }
  assert {
    condition     = alltrue([for name in keys(output.app_env) : strcontains(file("../../.env.example"), "\n${name}=")])
    error_message = "Every setting named is one the app reads (.env.example)."
  }
  assert {
    condition     = output.env_file == join("\n", [for name in keys(output.app_env) : "${name}=${output.app_env[name]}"])
    error_message = "env_file says the same as app_env, one NAME=value a line."
  }
  assert {
    condition     = can(regex("^postgres://birdai:PASSWORD@[a-z0-9.-]+:5432/birdai\\?sslmode=require$", output.app_env.DATABASE_URL))
    error_message = "DATABASE_URL over TLS, with a placeholder for the password."
  }
}
