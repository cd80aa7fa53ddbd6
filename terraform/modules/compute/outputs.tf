output "hosts" {
  description = "Each host by name: its public address and DNS name (the Elastic IP's, if any) and its private address."
  value = {
    for name, host in aws_instance.this : name => {
      id         = host.id
      public_ip  = var.elastic_ip ? aws_eip.this[name].public_ip : host.public_ip
      public_dns = var.elastic_ip ? aws_eip.this[name].public_dns : host.public_dns
      private_ip = host.private_ip
    }
  }
}

output "security_group_id" {
  description = "The tier's security group: other tiers admit traffic from it."
  value       = aws_security_group.this.id
}

output "role_name" {
  description = "The hosts' IAM role (null without instance_role)."
  value       = var.instance_role ? aws_iam_role.this[0].name : null
}
