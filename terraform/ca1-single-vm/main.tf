# CA1: one VM runs everything (docs/stages/ca1.md): web, worker and PostgreSQL +
# PostGIS. cloud-init gives it swap and the packages of "Deploying it on one VM";
# then build and run the image there, or run the Ansible playbook against it
# (output ansible_inventory).

module "network" {
  source          = "../modules/network"
  name            = var.name
  az_count        = 1
  private_subnets = false
}

resource "aws_key_pair" "this" {
  count      = var.ssh_public_key == null ? 0 : 1
  key_name   = var.name
  public_key = var.ssh_public_key
}

module "vm" {
  source        = "../modules/compute"
  name          = var.name
  role          = "all-in-one"
  host_names    = ["birdai"]
  instance_type = var.instance_type
  ami_id        = var.ami_id
  network       = module.network.public
  ssh           = { key_name = one(aws_key_pair.this[*].key_name), cidr_blocks = [var.ssh_cidr] }
  ingress = [
    { description = "gunicorn", port = 8000, cidr_blocks = var.web_cidr_blocks },
    { description = "haproxy", port = 80, cidr_blocks = var.web_cidr_blocks },
  ]
  # The build needs more than the default 8 GB; 30 GB is the free tier's allowance.
  root_volume_gb = 30
  swap_gb        = 2
  packages       = ["postgresql", "postgresql-postgis", "podman", "git"]
  # The address survives a stop and start, so BIRDAI_ALLOWED_HOSTS stays right.
  elastic_ip = true
}

locals {
  host = module.vm.hosts["birdai"]
  env = {
    BIRDAI_ALLOWED_HOSTS = "${local.host.public_dns},${local.host.public_ip}"
    # Plain HTTP at this stage; a certificate comes in CA3.
    BIRDAI_HTTPS = "0"
    # PASSWORD: the one you give the birdai role (docs/stages/ca1.md, step 3).
    DATABASE_URL = "postgres://birdai:PASSWORD@127.0.0.1:5432/birdai"
  }
}
