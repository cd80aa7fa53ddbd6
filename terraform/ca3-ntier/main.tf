# CA3: N tiers (docs/stages/ca3.md). CloudFront in front (TLS with an ACM
# certificate for your domain), haproxy on the proxy host, app hosts that only the
# proxy reaches, a worker host, RDS that only the app and worker hosts reach, and
# the photos in S3 with media/* a second behaviour of the same distribution.
# Terraform makes the machines; Ansible (output ansible_inventory) sets them up.

module "network" {
  source   = "../modules/network"
  name     = var.name
  az_count = 2
}

resource "aws_key_pair" "this" {
  count      = var.ssh_public_key == null ? 0 : 1
  key_name   = var.name
  public_key = var.ssh_public_key
}

# haproxy_cloudfront trusts CloudFront-Forwarded-Proto, which anyone could send:
# so only CloudFront's origin-facing addresses may reach port 80.
data "aws_ec2_managed_prefix_list" "cloudfront" {
  name = "com.amazonaws.global.cloudfront.origin-facing"
}

locals {
  ssh = { key_name = one(aws_key_pair.this[*].key_name), cidr_blocks = [var.ssh_cidr] }
}

module "proxy" {
  source        = "../modules/compute"
  name          = "${var.name}-proxy"
  role          = "proxy"
  host_names    = ["proxy1"]
  instance_type = var.instance_types.proxy
  ami_id        = var.ami_id
  network       = module.network.public
  ssh           = local.ssh
  ingress       = [{ description = "http from CloudFront", port = 80, prefix_list_ids = [data.aws_ec2_managed_prefix_list.cloudfront.id] }]
  # CloudFront's origin is the proxy's DNS name, which must survive a stop and start.
  elastic_ip = true
}

module "app" {
  source               = "../modules/compute"
  name                 = "${var.name}-app"
  role                 = "app"
  host_names           = [for i in range(var.app_hosts) : "app${i + 1}"]
  instance_type        = var.instance_types.app
  ami_id               = var.ami_id
  network              = module.network.public
  ssh                  = local.ssh
  ingress              = [{ description = "gunicorn from the proxy", port = 8000, security_group_ids = [module.proxy.security_group_id] }]
  swap_gb              = 1
  instance_role        = true
  instance_policy_json = module.storage.app_policy_json
}

module "worker" {
  source               = "../modules/compute"
  name                 = "${var.name}-worker"
  role                 = "worker"
  host_names           = ["worker1"]
  instance_type        = var.instance_types.worker
  ami_id               = var.ami_id
  network              = module.network.public
  ssh                  = local.ssh
  swap_gb              = 2
  instance_role        = true
  instance_policy_json = module.storage.app_policy_json
}

module "database" {
  source                    = "../modules/database"
  name                      = var.name
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.private_subnet_ids
  client_security_group_ids = [module.app.security_group_id, module.worker.security_group_id]
  instance_class            = var.db_instance_class
  password_rotation_days    = var.db_password_rotation_days
}

module "certificate" {
  count           = var.domain_name == "" ? 0 : 1
  source          = "../modules/certificate"
  providers       = { aws = aws.us_east_1 }
  domain_name     = var.domain_name
  route53_zone_id = var.route53_zone_id
}

module "storage" {
  source            = "../modules/storage_cdn"
  name              = var.name
  bucket_name       = var.bucket_name
  force_destroy     = var.force_destroy_bucket
  app_origin_domain = module.proxy.hosts["proxy1"].public_dns
  aliases           = var.domain_name == "" ? [] : [var.domain_name]
  certificate_arn   = one(module.certificate[*].arn)
}

# With a Route 53 zone, the domain itself points at the distribution too.
resource "aws_route53_record" "site" {
  count   = var.domain_name != "" && var.route53_zone_id != null ? 1 : 0
  zone_id = var.route53_zone_id
  name    = var.domain_name
  type    = "A"
  alias {
    name                   = module.storage.distribution_domain_name
    zone_id                = module.storage.distribution_hosted_zone_id
    evaluate_target_health = false
  }
}

locals {
  server_name = var.domain_name != "" ? var.domain_name : module.storage.distribution_domain_name
  tiers       = { proxy = module.proxy.hosts, app = module.app.hosts, worker = module.worker.hosts }
  env = merge(module.storage.env, module.database.env, {
    BIRDAI_ALLOWED_HOSTS        = local.server_name
    BIRDAI_CSRF_TRUSTED_ORIGINS = "https://${local.server_name}"
    BIRDAI_HTTPS                = "1"
    BIRDAI_BEHIND_PROXY         = "1"
  })
}
