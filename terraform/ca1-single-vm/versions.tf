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

provider "aws" {
  region = var.region
  # On every resource that takes tags: what it belongs to, and that Terraform made it.
  default_tags {
    tags = merge(var.tags, { Project = "birdai", Stage = "ca1", ManagedBy = "terraform" })
  }
}
