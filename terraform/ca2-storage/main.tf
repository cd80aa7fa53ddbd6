# CA2: the state off the VM (docs/stages/ca2.md). Photos in a private S3 bucket,
# the served copies (media/) behind CloudFront with origin access control, the
# database on RDS; the VM (CA1's, now stateless) reads S3 through an instance role.

module "network" {
  source = "../modules/network"
  name   = var.name
  # RDS wants subnets in two zones, even for one Single-AZ instance.
  az_count = 2
}

resource "aws_key_pair" "this" {
  count      = var.ssh_public_key == null ? 0 : 1
  key_name   = var.name
  public_key = var.ssh_public_key
}

module "storage" {
  source        = "../modules/storage_cdn"
  name          = var.name
  bucket_name   = var.bucket_name
  force_destroy = var.force_destroy_bucket
}

module "vm" {
  source         = "../modules/compute"
  name           = var.name
  role           = "web-and-worker"
  host_names     = ["birdai"]
  instance_type  = var.instance_type
  ami_id         = var.ami_id
  network        = module.network.public
  ssh            = { key_name = one(aws_key_pair.this[*].key_name), cidr_blocks = [var.ssh_cidr] }
  ingress        = [{ description = "gunicorn", port = 8000, cidr_blocks = var.web_cidr_blocks }]
  root_volume_gb = 30
  swap_gb        = 2
  # No database on the VM any more: only the client, to create PostGIS on RDS.
  packages             = ["podman", "git", "postgresql-client"]
  elastic_ip           = true
  instance_role        = true
  instance_policy_json = module.storage.app_policy_json
}

module "database" {
  source                    = "../modules/database"
  name                      = var.name
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.private_subnet_ids
  client_security_group_ids = [module.vm.security_group_id]
  instance_class            = var.db_instance_class
  password_rotation_days    = var.db_password_rotation_days
}

locals {
  host = module.vm.hosts["birdai"]
  env = merge(module.storage.env, module.database.env, {
    BIRDAI_ALLOWED_HOSTS = "${local.host.public_dns},${local.host.public_ip}"
    BIRDAI_HTTPS         = "0"
  })
}
