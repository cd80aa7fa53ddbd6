# The network with a mocked AWS: public subnets route to the internet, private
# ones nowhere, the default security group lets nothing through.

mock_provider "aws" {
  source = "../../mocks"
}

variables {
  name = "birdai-test"
}

run "two_zones_public_and_private" {
  command = apply

  assert {
    condition     = [for s in aws_subnet.public : s.availability_zone] == ["us-east-1a", "us-east-1b"] && [for s in aws_subnet.private : s.availability_zone] == ["us-east-1a", "us-east-1b"]
    error_message = "One public and one private subnet in each of two zones."
  }
  assert {
    condition     = [for s in aws_subnet.public : s.cidr_block] == ["10.0.0.0/24", "10.0.1.0/24"] && [for s in aws_subnet.private : s.cidr_block] == ["10.0.100.0/24", "10.0.101.0/24"]
    error_message = "A /24 each, public from 10.0.0.0, private from 10.0.100.0."
  }
  assert {
    condition     = alltrue([for s in aws_subnet.public : !s.map_public_ip_on_launch])
    error_message = "No public address unless an instance asks for one."
  }
  assert {
    condition     = one(aws_route_table.public.route).cidr_block == "0.0.0.0/0" && one(aws_route_table.public.route).gateway_id == aws_internet_gateway.this.id
    error_message = "Public subnets reach the internet through the gateway."
  }
  assert {
    condition     = length(aws_route_table.private[0].route) == 0 && length(aws_route_table_association.private) == 2
    error_message = "Private subnets have no route out."
  }
  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "The default security group has no rules."
  }
  assert {
    condition     = aws_vpc.this.enable_dns_hostnames && aws_vpc.this.enable_dns_support
    error_message = "Instances get public DNS names (CloudFront's origin in CA3)."
  }
  assert {
    condition     = output.public == { vpc_id = aws_vpc.this.id, cidr_block = "10.0.0.0/16", subnet_ids = aws_subnet.public[*].id }
    error_message = "What the compute module takes."
  }
}

run "one_zone_no_private" {
  command = apply

  variables {
    az_count            = 1
    private_subnets     = false
    public_ip_on_launch = true
  }

  assert {
    condition     = length(aws_subnet.public) == 1 && length(aws_subnet.private) == 0 && length(aws_route_table.private) == 0
    error_message = "One public subnet, nothing private."
  }
  assert {
    condition     = aws_subnet.public[0].map_public_ip_on_launch
    error_message = "EKS nodes get addresses without asking."
  }
}

run "four_zones_refused" {
  command = plan

  variables {
    az_count = 4
  }

  expect_failures = [var.az_count]
}
