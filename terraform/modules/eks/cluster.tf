# The EKS control plane: 0.10 USD an hour whatever runs on it (docs/stages/ca4.md).
# Access by IAM (access entries); whoever runs terraform apply is the cluster's admin.

data "aws_partition" "current" {}

data "aws_iam_policy_document" "assume" {
  for_each = { eks = "eks.amazonaws.com", ec2 = "ec2.amazonaws.com" }
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = [each.value]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name_prefix        = "${var.name}-cluster-"
  assume_role_policy = data.aws_iam_policy_document.assume["eks"].json
  tags               = { Name = "${var.name}-cluster" }
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonEKSClusterPolicy"
}

# EKS would make this group itself, keeping the logs forever.
resource "aws_cloudwatch_log_group" "cluster" {
  #checkov:skip=CKV_AWS_158:CloudWatch encrypts log groups by default; a KMS key of our own costs 1 USD a month
  #checkov:skip=CKV_AWS_338:a week of control-plane logs (log_retention_days) is what a course needs; a year is billed as storage
  name              = "/aws/eks/${var.name}/cluster"
  retention_in_days = var.log_retention_days
  tags              = { Name = var.name }
}

resource "aws_eks_cluster" "this" {
  #checkov:skip=CKV_AWS_58:EKS encrypts all Kubernetes API data, Secrets included, with an AWS-owned key by default; a key of our own costs 1 USD a month
  #checkov:skip=CKV_AWS_39:the API is public so that kubectl on a laptop reaches it, but only from public_access_cidrs (CKV_AWS_38)
  #checkov:skip=CKV_AWS_37:only audit and authenticator logs by default: each type is billed per GB in CloudWatch (cluster_log_types)
  name                      = var.name
  version                   = var.kubernetes_version
  role_arn                  = aws_iam_role.cluster.arn
  enabled_cluster_log_types = var.cluster_log_types

  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = true
    public_access_cidrs     = var.public_access_cidrs
  }

  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = true
  }

  # At the end of a version's standard support EKS upgrades the cluster instead of
  # billing extended support (0.60 USD an hour instead of 0.10).
  upgrade_policy {
    support_type = "STANDARD"
  }

  tags = { Name = var.name }

  depends_on = [aws_iam_role_policy_attachment.cluster, aws_cloudwatch_log_group.cluster]
}

# IRSA: pods prove who they are with the cluster's OIDC tokens. AWS trusts EKS's
# issuer through its own root CAs, so no thumbprint is needed.
resource "aws_iam_openid_connect_provider" "this" {
  url            = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list = ["sts.amazonaws.com"]
  tags           = { Name = var.name }
}
