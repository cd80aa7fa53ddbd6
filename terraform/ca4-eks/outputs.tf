output "cluster_name" {
  description = "The EKS cluster."
  value       = module.eks.cluster_name
}

output "kubeconfig_command" {
  description = "Run it to point kubectl at the cluster."
  value       = "aws eks update-kubeconfig --region ${var.region} --name ${module.eks.cluster_name}"
}

output "node_groups" {
  description = "The node groups (cpu, and gpu when enabled)."
  value       = module.eks.node_groups
}

output "irsa_role_arn" {
  description = "The S3 role of the app's service account."
  value       = module.eks.irsa_role_arn
}

output "service_account_annotation" {
  description = "The annotation the ca4-eks overlay puts on the birdai service account."
  value       = "eks.amazonaws.com/role-arn: ${module.eks.irsa_role_arn}"
}

output "bucket" {
  description = "The photos' bucket."
  value       = module.storage.bucket
}

output "cdn_domain" {
  description = "CloudFront's name: photos' URLs start with https://<this>/media/."
  value       = module.storage.cdn_domain
}

output "app_env" {
  description = "The settings this stage decides, for the ConfigMap (DATABASE_URL, with PASSWORD in it, belongs in the Secret)."
  value       = merge(module.storage.env, module.database.env)
}

output "database_address" {
  description = "The RDS endpoint (reachable from the nodes only)."
  value       = module.database.address
}

output "database_password_secret_arn" {
  description = "Where RDS keeps the master password (Secrets Manager); Terraform never sees it."
  value       = module.database.password_secret_arn
}

output "database_url_command" {
  description = "Run it (AWS CLI) to print the DATABASE_URL line for the Kubernetes Secret."
  value       = module.database.url_command
}
