data "aws_region" "current" {}

locals {
  secret_arn = aws_db_instance.this.master_user_secret[0].secret_arn
  # PASSWORD stands for the password, which Terraform never sees.
  url = "postgres://${var.username}:PASSWORD@${aws_db_instance.this.address}:${aws_db_instance.this.port}/${var.db_name}?sslmode=require"
}

output "address" {
  description = "The database's host name (private to the VPC)."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "The database's port."
  value       = aws_db_instance.this.port
}

output "security_group_id" {
  description = "The database's security group."
  value       = aws_security_group.this.id
}

output "password_secret_arn" {
  description = "The Secrets Manager secret that holds the master password (JSON: username, password)."
  value       = local.secret_arn
}

output "env" {
  description = "The app's DATABASE_URL, with PASSWORD in place of the password."
  value       = { DATABASE_URL = local.url }
}

output "url_command" {
  description = "A shell command that prints the DATABASE_URL line with the real password, URL-encoded (needs the AWS CLI and python3)."
  value       = <<-EOT
    aws secretsmanager get-secret-value --region ${data.aws_region.current.name} --secret-id '${local.secret_arn}' --query SecretString --output text | python3 -c 'import json, sys, urllib.parse as u; print("DATABASE_URL=" + sys.argv[1].replace("PASSWORD", u.quote(json.load(sys.stdin)["password"], safe="")))' '${local.url}'
  EOT
}
