# CA1's root with a mocked AWS: one VM, ready for the podman or the Ansible way,
# and outputs a student can paste.

mock_provider "aws" {
  source = "../mocks"
}

variables {
  ssh_cidr       = "203.0.113.5/32"
  ssh_public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB2dGVzdC1rZXktbm90LXJlYWxseS11c2VkLWFueXdoZXJl student@laptop"
}

run "one_vm_with_its_settings" {
  command = apply

  assert {
    condition     = output.url == "http://ec2-198-51-100-10.compute-1.amazonaws.com:8000/" && output.public_ip == "198.51.100.10"
    error_message = "The site's address is the Elastic IP's, which survives a stop and start."
  }
  assert {
    condition     = output.ssh == "ssh ubuntu@198.51.100.10"
    error_message = "ssh as Ubuntu's user."
  }
  assert {
    condition     = alltrue([for line in split("\n", output.env_file) : can(regex("^[A-Z_]+=[^ ]+$", line))])
    error_message = "env_file is NAME=value lines, ready for /etc/birdai.env."
  }
  assert {
    condition     = alltrue([for name in keys(output.app_env) : strcontains(file("../../.env.example"), "\n${name}=")])
    error_message = "Every setting named is one the app reads (.env.example)."
  }
  assert {
    condition     = output.app_env.BIRDAI_ALLOWED_HOSTS == "ec2-198-51-100-10.compute-1.amazonaws.com,198.51.100.10" && output.app_env.BIRDAI_HTTPS == "0"
    error_message = "Django answers to the VM's name and address, over plain HTTP at this stage."
  }
  assert {
    condition     = strcontains(output.app_env.DATABASE_URL, ":PASSWORD@127.0.0.1:5432/")
    error_message = "PostgreSQL on the VM itself; the password is a placeholder, never a value."
  }
  assert {
    condition     = yamldecode(output.ansible_inventory).all.hosts.birdai == { ansible_host = "198.51.100.10", birdai_address = "10.0.0.10" }
    error_message = "The Ansible inventory names the VM by its public and private addresses."
  }
  assert {
    condition     = keys(yamldecode(output.ansible_inventory).all.children) == ["app", "db", "proxy", "worker"]
    error_message = "The VM is in every group of ansible/inventories/ca1/hosts.yml."
  }
}

run "ssh_is_never_open_to_all" {
  command = plan

  variables {
    ssh_cidr = "0.0.0.0/0"
  }

  expect_failures = [var.ssh_cidr]
}

run "no_key_pair_without_a_key" {
  command = plan

  variables {
    ssh_public_key = null
  }

  assert {
    condition     = length(aws_key_pair.this) == 0
    error_message = "No key: no key pair (EC2 Instance Connect)."
  }
}
