# One tier of hosts: a few identical EC2 instances (the names differ), Ubuntu
# 24.04 unless an AMI is pinned, cloud-init for swap and packages, IMDSv2 only,
# encrypted disks, standard CPU credits, and optionally an IAM role and fixed
# public addresses.

locals {
  # Graviton families have a "g" after the generation: t4g, m7g, c7gn. (g4dn is x86.)
  architecture = can(regex("^[a-z]+[0-9]+[a-z]*g", split(".", var.instance_type)[0])) ? "arm64" : "amd64"
  ami_id       = var.ami_id != null ? var.ami_id : nonsensitive(data.aws_ssm_parameter.ubuntu[0].value)
  # Burstable types only: "standard" slows a busy host to its baseline instead of
  # billing its bursts (docs/stages/ca1.md, "Burstable CPUs").
  burstable  = startswith(var.instance_type, "t")
  swap_sizes = var.swap_gb > 0 ? ["${var.swap_gb}G"] : []
  swap = [for size in local.swap_sizes : {
    swap = { filename = "/swapfile", size = size, maxsize = size }
    # Swap for what sleeps, not for the working set.
    write_files = [{ path = "/etc/sysctl.d/90-swappiness.conf", content = "vm.swappiness=10\n" }]
    runcmd      = [["sysctl", "--system"]]
  }]
  cloud_config = merge(concat(
    [{ package_update = length(var.packages) > 0, packages = var.packages }], local.swap,
  )...)
  cloud_init = "#cloud-config\n${yamlencode(local.cloud_config)}"
}

# Canonical publishes the current image of each release here, for each region.
data "aws_ssm_parameter" "ubuntu" {
  count = var.ami_id == null ? 1 : 0
  name  = "/aws/service/canonical/ubuntu/server/24.04/stable/current/${local.architecture}/hvm/ebs-gp3/ami-id"
}

resource "aws_instance" "this" {
  #checkov:skip=CKV_AWS_88:a public address instead of a NAT gateway (~32 USD a month); the security group admits only what the stage names
  #checkov:skip=CKV_AWS_126:detailed monitoring is billed per metric; the 5-minute basic metrics do for a course
  for_each = toset(var.host_names)

  ami                         = local.ami_id
  instance_type               = var.instance_type
  subnet_id                   = var.network.subnet_ids[index(var.host_names, each.key) % length(var.network.subnet_ids)]
  vpc_security_group_ids      = [aws_security_group.this.id]
  key_name                    = var.ssh.key_name
  iam_instance_profile        = var.instance_role ? aws_iam_instance_profile.this[0].name : null
  associate_public_ip_address = true
  ebs_optimized               = true
  monitoring                  = false
  user_data                   = local.cloud_init

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
    # 2: containers on a bridge network (one hop more) still reach the role's credentials.
    http_put_response_hop_limit = 2
  }

  root_block_device {
    volume_type           = "gp3"
    volume_size           = var.root_volume_gb
    encrypted             = true
    delete_on_termination = true
    # Here rather than in volume_tags, so that the provider's default tags apply too.
    tags = { Name = "${each.key}-root", Role = var.role }
  }

  dynamic "credit_specification" {
    for_each = local.burstable ? ["standard"] : []
    content {
      cpu_credits = credit_specification.value
    }
  }

  tags = { Name = each.key, Role = var.role }

  lifecycle {
    # A newer Ubuntu image, or different first-boot settings, must not replace a
    # running host: they apply to hosts made from now on.
    ignore_changes = [ami, user_data]
  }
}

resource "aws_eip" "this" {
  for_each = var.elastic_ip ? aws_instance.this : {}
  domain   = "vpc"
  instance = each.value.id
  tags     = { Name = each.key }
}
