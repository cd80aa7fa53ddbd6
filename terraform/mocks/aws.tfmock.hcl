# What the mocked AWS provider answers in `terraform test` (tests/*.tftest.hcl),
# where a random string would not do: the provider still checks the values it is
# given (a policy must be JSON, an ARN an ARN), and the configurations index
# into some answers. Everything else is made up by Terraform.

mock_data "aws_availability_zones" {
  defaults = {
    names = ["us-east-1a", "us-east-1b", "us-east-1c"]
  }
}

mock_data "aws_region" {
  defaults = {
    name = "us-east-1"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition = "aws"
  }
}

mock_data "aws_ssm_parameter" {
  defaults = {
    value = "ami-0123456789abcdef0"
  }
}

mock_data "aws_iam_policy_document" {
  defaults = {
    json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}

mock_data "aws_default_tags" {
  defaults = {
    tags = { Project = "birdai" }
  }
}

mock_data "aws_ec2_managed_prefix_list" {
  defaults = {
    id = "pl-3b927c52"
  }
}

mock_resource "aws_s3_bucket" {
  defaults = {
    arn                         = "arn:aws:s3:::birdai-test-bucket"
    bucket_regional_domain_name = "birdai-test-bucket.s3.us-east-1.amazonaws.com"
  }
}

mock_resource "aws_cloudfront_distribution" {
  defaults = {
    arn            = "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE"
    domain_name    = "d1234abcd.cloudfront.net"
    hosted_zone_id = "Z2FDTNDATAQYW2"
  }
}

mock_resource "aws_db_instance" {
  defaults = {
    address = "birdai.abcdefghij.us-east-1.rds.amazonaws.com"
    port    = 5432
    master_user_secret = [{
      secret_arn    = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-example-AbCdEf"
      secret_status = "active"
      kms_key_id    = "arn:aws:kms:us-east-1:123456789012:key/example"
    }]
  }
}

mock_resource "aws_acm_certificate" {
  defaults = {
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/example"
  }
}

mock_resource "aws_acm_certificate_validation" {
  defaults = {
    certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/example"
  }
}

mock_resource "aws_instance" {
  defaults = {
    public_ip  = "203.0.113.10"
    public_dns = "ec2-203-0-113-10.compute-1.amazonaws.com"
    private_ip = "10.0.0.10"
  }
}

mock_resource "aws_eip" {
  defaults = {
    public_ip  = "198.51.100.10"
    public_dns = "ec2-198-51-100-10.compute-1.amazonaws.com"
  }
}

mock_resource "aws_eks_cluster" {
  defaults = {
    identity = [{ oidc = [{ issuer = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE" }] }]
  }
}

mock_resource "aws_iam_openid_connect_provider" {
  defaults = {
    arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::123456789012:role/birdai-example"
  }
}

mock_resource "aws_launch_template" {
  defaults = {
    id             = "lt-0123456789abcdef0"
    latest_version = 1
  }
}
