terraform {
  # 1.7: mock providers in terraform test (tests/*.tftest.hcl).
  required_version = ">= 1.7"
  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Exact: the version the tests ran with (and the one CI's offline mirror holds).
      version = "5.100.0"
    }
  }
}

locals {
  # On every resource that takes tags: what it belongs to, and that Terraform made it.
  default_tags = merge(var.tags, { Project = "birdai", Stage = "ca3", ManagedBy = "terraform" })
}

provider "aws" {
  region = var.region
  default_tags {
    tags = local.default_tags
  }
}

# CloudFront takes its certificate from us-east-1 only, whatever var.region is.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
  default_tags {
    tags = local.default_tags
  }
}
