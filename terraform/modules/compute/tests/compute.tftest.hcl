# The compute module with a mocked AWS: what every host gets, whatever the tier.

mock_provider "aws" {
  source = "../../mocks"
}

variables {
  name          = "birdai-test-app"
  role          = "app"
  host_names    = ["app1", "app2", "app3"]
  instance_type = "t4g.micro"
  network       = { vpc_id = "vpc-1", cidr_block = "10.0.0.0/16", subnet_ids = ["subnet-a", "subnet-b"] }
  ssh           = { key_name = "birdai", cidr_blocks = ["203.0.113.5/32"] }
  ingress       = [{ description = "gunicorn from the proxy", port = 8000, security_group_ids = ["sg-proxy"] }]
}

run "hosts_are_locked_down" {
  command = apply

  assert {
    condition     = length(aws_instance.this) == 3
    error_message = "One instance per name."
  }
  assert {
    condition     = [for name in var.host_names : aws_instance.this[name].subnet_id] == ["subnet-a", "subnet-b", "subnet-a"]
    error_message = "Hosts are spread over the subnets in turn."
  }
  assert {
    condition     = alltrue([for host in aws_instance.this : host.metadata_options[0].http_tokens == "required"])
    error_message = "IMDSv2 only: a plain GET to the metadata service must get nothing."
  }
  assert {
    condition     = alltrue([for host in aws_instance.this : host.root_block_device[0].encrypted && host.root_block_device[0].volume_type == "gp3"])
    error_message = "Root disks are encrypted gp3."
  }
  assert {
    condition     = alltrue([for host in aws_instance.this : host.credit_specification[0].cpu_credits == "standard"])
    error_message = "Burstable hosts run on standard credits: slowed, never billed for bursts."
  }
  assert {
    condition     = alltrue([for host in aws_instance.this : host.tags.Role == "app" && host.tags.Name != ""])
    error_message = "Each host is tagged with its name and role."
  }
  assert {
    condition     = alltrue([for host in aws_instance.this : host.root_block_device[0].tags.Role == "app"])
    error_message = "The disks are tagged too (and so get the provider's default tags)."
  }
  assert {
    condition     = one(data.aws_ssm_parameter.ubuntu[*].name) == "/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id"
    error_message = "t4g is Graviton: the arm64 Ubuntu 24.04."
  }
  assert {
    condition     = length(aws_iam_instance_profile.this) == 0 && length(aws_eip.this) == 0
    error_message = "No role and no Elastic IP unless asked for."
  }
}

run "only_ssh_and_the_named_ports_come_in" {
  command = apply

  assert {
    condition = toset([for rule in aws_vpc_security_group_ingress_rule.this : "${rule.from_port}:${coalesce(rule.cidr_ipv4, rule.referenced_security_group_id, rule.prefix_list_id)}"]) == toset([
      "22:203.0.113.5/32", "8000:sg-proxy",
    ])
    error_message = "In: ssh from the given address, 8000 from the proxy's group, nothing else."
  }
  assert {
    condition     = alltrue([for rule in aws_vpc_security_group_ingress_rule.this : rule.cidr_ipv4 != "0.0.0.0/0"])
    error_message = "Nothing is open to the whole internet here."
  }
  assert {
    condition = toset([for rule in aws_vpc_security_group_egress_rule.this : "${rule.from_port}-${rule.to_port}:${rule.cidr_ipv4}"]) == toset([
      "80-80:0.0.0.0/0", "443-443:0.0.0.0/0", "0-65535:10.0.0.0/16",
    ])
    error_message = "Out: http and https anywhere, any port inside the VPC only."
  }
}

run "first_boot_makes_swap_and_installs_packages" {
  command = apply

  variables {
    swap_gb  = 2
    packages = ["podman"]
  }

  assert {
    condition     = startswith(local.cloud_init, "#cloud-config\n")
    error_message = "cloud-init reads only user data that starts with #cloud-config."
  }
  assert {
    condition     = yamldecode(local.cloud_init).swap.size == "2G" && yamldecode(local.cloud_init).packages == ["podman"]
    error_message = "A 2 GB swap file and the packages asked for."
  }
}

run "no_swap_by_default" {
  command = plan

  assert {
    condition     = !contains(keys(yamldecode(local.cloud_init)), "swap")
    error_message = "swap_gb = 0 makes no swap file."
  }
}

run "x86_types_get_the_amd64_image_and_role_and_address" {
  command = apply

  variables {
    instance_type        = "g4dn.xlarge"
    host_names           = ["worker1"]
    instance_role        = true
    instance_policy_json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    elastic_ip           = true
  }

  assert {
    condition     = endswith(dirname(dirname(dirname(one(data.aws_ssm_parameter.ubuntu[*].name)))), "/amd64")
    error_message = "g4dn is x86-64, despite its leading g."
  }
  assert {
    condition     = length(aws_instance.this["worker1"].credit_specification) == 0
    error_message = "Only burstable types take a credit specification."
  }
  assert {
    condition     = aws_instance.this["worker1"].iam_instance_profile == aws_iam_instance_profile.this[0].name
    error_message = "The role reaches the host through its instance profile."
  }
  assert {
    condition     = output.hosts["worker1"].public_ip == aws_eip.this["worker1"].public_ip
    error_message = "With an Elastic IP, the hosts' public address is the fixed one."
  }
}

run "a_pinned_ami_needs_no_lookup" {
  command = plan

  variables {
    ami_id = "ami-0fedcba9876543210"
  }

  assert {
    condition     = length(data.aws_ssm_parameter.ubuntu) == 0 && aws_instance.this["app1"].ami == "ami-0fedcba9876543210"
    error_message = "ami_id is used as is."
  }
}
