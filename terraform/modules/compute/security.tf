# The tier's security group. In: ssh from the addresses given, and the ports the
# stage names (each from where it says). Out: http and https anywhere (apt, PyPI,
# S3, gossip peers) and any port inside the VPC (the database, the app hosts);
# nothing else, so a compromised host cannot, say, send mail or mine on a pool.

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-"
  description = "bird.ai ${var.role} hosts"
  vpc_id      = var.network.vpc_id
  tags        = { Name = var.name }

  lifecycle {
    create_before_destroy = true
  }
}

locals {
  # One rule per (port, source): the provider's rule resources take one source each.
  # Keys are positions, known at plan time even when a source is not (a new group).
  ingress_rules = merge(
    { for i, cidr in var.ssh.cidr_blocks : "ssh-cidr-${i}" => { description = "ssh", port = 22, cidr = cidr, sg = null, pl = null } },
    merge([for i, r in var.ingress : merge(
      { for j, cidr in r.cidr_blocks : "${i}-cidr-${j}" => { description = r.description, port = r.port, cidr = cidr, sg = null, pl = null } },
      { for j, sg in r.security_group_ids : "${i}-sg-${j}" => { description = r.description, port = r.port, cidr = null, sg = sg, pl = null } },
      { for j, pl in r.prefix_list_ids : "${i}-pl-${j}" => { description = r.description, port = r.port, cidr = null, sg = null, pl = pl } },
    )]...),
  )
  egress_rules = {
    http  = { description = "apt over http", from = 80, to = 80, cidr = "0.0.0.0/0" }
    https = { description = "https: PyPI, S3, AWS APIs, gossip peers", from = 443, to = 443, cidr = "0.0.0.0/0" }
    vpc   = { description = "inside the VPC: database, app hosts", from = 0, to = 65535, cidr = var.network.cidr_block }
  }
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each                     = local.ingress_rules
  security_group_id            = aws_security_group.this.id
  description                  = each.value.description
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  cidr_ipv4                    = each.value.cidr
  referenced_security_group_id = each.value.sg
  prefix_list_id               = each.value.pl
  tags                         = { Name = "${var.name}-${each.value.description}" }
}

resource "aws_vpc_security_group_egress_rule" "this" {
  for_each          = local.egress_rules
  security_group_id = aws_security_group.this.id
  description       = each.value.description
  ip_protocol       = "tcp"
  from_port         = each.value.from
  to_port           = each.value.to
  cidr_ipv4         = each.value.cidr
  tags              = { Name = "${var.name}-${each.key}" }
}
