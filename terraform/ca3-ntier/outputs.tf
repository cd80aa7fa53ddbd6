output "site_url" {
  description = "The site, once Ansible has deployed it."
  value       = "https://${local.server_name}/"
}

output "distribution_domain_name" {
  description = "CloudFront's name for the site: your domain's CNAME (or alias) points here."
  value       = module.storage.distribution_domain_name
}

output "distribution_id" {
  description = "The CloudFront distribution (aws cloudfront create-invalidation --distribution-id ...)."
  value       = module.storage.distribution_id
}

output "dns_records" {
  description = "What to add at your DNS provider (nothing with route53_zone_id): the certificate's validation and the site's CNAME."
  value = var.domain_name == "" || var.route53_zone_id != null ? [] : concat(
    module.certificate[0].validation_records,
    [{ name = var.domain_name, type = "CNAME", value = module.storage.distribution_domain_name }],
  )
}

output "hosts" {
  description = "Every host by tier and name: public address (ssh, Ansible), private address (the services), public DNS."
  value       = local.tiers
}

output "ansible_inventory" {
  description = "ansible/inventories/ca3/hosts.yml for these hosts (the database is RDS: no db group)."
  value = yamlencode({ all = { children = {
    for tier, hosts in local.tiers : tier => { hosts = {
      for name, host in hosts : name => { ansible_host = host.public_ip, birdai_address = host.private_ip }
    } }
  } } })
}

output "ansible_group_vars" {
  description = "What to set in ansible/inventories/ca3/group_vars/all.yml for this layout (CloudFront in front, S3, RDS)."
  value = yamlencode({
    birdai_server_name    = local.server_name
    birdai_https          = true
    haproxy_cloudfront    = true
    haproxy_tls_pem       = ""
    birdai_storage_shared = true
    # /readyz writes to S3: every 30 s, not 5 (docs/stages/ca3.md).
    haproxy_check_inter = "30s"
    birdai_extra_env    = merge(module.storage.env, module.database.env)
  })
}

output "app_env" {
  description = "The settings this stage decides, by name (DATABASE_URL with PASSWORD in place of the password)."
  value       = local.env
}

output "env_file" {
  description = "The same as .env lines: replace the DATABASE_URL line with database_url_command's."
  value       = join("\n", [for name in sort(keys(local.env)) : "${name}=${local.env[name]}"])
}

output "database_address" {
  description = "The RDS endpoint (reachable from the app and worker hosts only)."
  value       = module.database.address
}

output "database_password_secret_arn" {
  description = "Where RDS keeps the master password (Secrets Manager); Terraform never sees it."
  value       = module.database.password_secret_arn
}

output "database_url_command" {
  description = "Run it (AWS CLI) to print the DATABASE_URL line with the password filled in."
  value       = module.database.url_command
}
