output "cluster_name" {
  description = "The cluster's name."
  value       = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  description = "The Kubernetes API's URL."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_security_group_id" {
  description = "The group EKS puts on the control plane and the managed nodes: the database admits it."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "node_groups" {
  description = "The node groups' names."
  value       = [for group in aws_eks_node_group.this : group.node_group_name]
}

output "irsa_role_arn" {
  description = "The S3 role of the app's service account (its eks.amazonaws.com/role-arn annotation)."
  value       = aws_iam_role.irsa.arn
}
