# One VPC, a public subnet per zone (a route to the internet gateway) and, for the
# database, a private subnet per zone with no route out at all. No NAT gateway:
# at ~32 USD a month it would cost more than every instance of a course stage
# together, so hosts that must reach apt and PyPI get a public address instead,
# behind security groups that let nothing in but what the stage needs.

data "aws_availability_zones" "available" {
  #checkov:skip=CKV_AWS_394:the stage takes the first az_count zones by name; a zone AWS adds later sorts after them, so no subnet moves
  state = "available"
}

locals {
  zones = slice(data.aws_availability_zones.available.names, 0, var.az_count)
}

resource "aws_vpc" "this" {
  #checkov:skip=CKV2_AWS_11:flow logs are billed as CloudWatch Logs ingestion; the security groups already refuse what is not expected
  cidr_block = var.cidr_block
  # Public DNS names for instances (CloudFront's origin in CA3 is one) and RDS.
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = var.name }
}

# The VPC's default security group would let its members reach each other on every
# port; nothing uses it, and with no rules it lets nothing through.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id
  tags   = { Name = "${var.name}-default-closed" }
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
  tags   = { Name = var.name }
}

resource "aws_subnet" "public" {
  #checkov:skip=CKV_AWS_130:off unless public_ip_on_launch (CA4's EKS nodes, which have no NAT gateway to go out through)
  count                   = var.az_count
  vpc_id                  = aws_vpc.this.id
  availability_zone       = local.zones[count.index]
  cidr_block              = cidrsubnet(var.cidr_block, 8, count.index)
  map_public_ip_on_launch = var.public_ip_on_launch
  tags                    = { Name = "${var.name}-public-${local.zones[count.index]}" }
}

resource "aws_subnet" "private" {
  count             = var.private_subnets ? var.az_count : 0
  vpc_id            = aws_vpc.this.id
  availability_zone = local.zones[count.index]
  cidr_block        = cidrsubnet(var.cidr_block, 8, 100 + count.index)
  tags              = { Name = "${var.name}-private-${local.zones[count.index]}" }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  tags   = { Name = "${var.name}-public" }

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this.id
  }
}

resource "aws_route_table_association" "public" {
  count          = var.az_count
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

# Only the VPC's own range: what sits here reaches nothing outside it.
resource "aws_route_table" "private" {
  count  = var.private_subnets ? 1 : 0
  vpc_id = aws_vpc.this.id
  tags   = { Name = "${var.name}-private" }
}

resource "aws_route_table_association" "private" {
  count          = length(aws_subnet.private)
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[0].id
}
