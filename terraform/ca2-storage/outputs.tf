output "url" {
  description = "The site, once the containers run on the VM."
  value       = "http://${local.host.public_dns}:8000/"
}

output "ssh" {
  description = "How to log in to the VM (Ubuntu's user is ubuntu)."
  value       = "ssh ubuntu@${local.host.public_ip}"
}

output "public_ip" {
  description = "The VM's fixed public address."
  value       = local.host.public_ip
}

output "bucket" {
  description = "The photos' bucket."
  value       = module.storage.bucket
}

output "cdn_domain" {
  description = "CloudFront's name: photos' URLs start with https://<this>/media/."
  value       = module.storage.cdn_domain
}

output "distribution_id" {
  description = "The CloudFront distribution (aws cloudfront create-invalidation --distribution-id ...)."
  value       = module.storage.distribution_id
}

output "database_address" {
  description = "The RDS endpoint (reachable from the VM only)."
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

output "postgis_command" {
  description = "Run it on the VM once, as the master user, before the app's first migrate (or let migrate do it)."
  value       = "psql \"host=${module.database.address} user=birdai dbname=birdai sslmode=require\" -c \"CREATE EXTENSION IF NOT EXISTS postgis\""
}

output "app_env" {
  description = "The settings this stage decides, by name (DATABASE_URL with PASSWORD in place of the password)."
  value       = local.env
}

output "env_file" {
  description = "Lines for /etc/birdai.env on the VM: replace the DATABASE_URL line with database_url_command's, add BIRDAI_SECRET_KEY."
  value       = join("\n", [for name in sort(keys(local.env)) : "${name}=${local.env[name]}"])
}
