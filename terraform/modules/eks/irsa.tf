# IRSA: the app's service account (k8s/base/serviceaccounts.yaml) may assume this
# role, and nothing else may; the role may do with S3 what the app needs and no more.

locals {
  issuer = replace(aws_eks_cluster.this.identity[0].oidc[0].issuer, "https://", "")
}

data "aws_iam_policy_document" "irsa_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.this.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:sub"
      values   = ["system:serviceaccount:${var.irsa_namespace}:${var.irsa_service_account}"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "irsa" {
  name_prefix        = "${var.name}-app-"
  assume_role_policy = data.aws_iam_policy_document.irsa_trust.json
  tags               = { Name = "${var.name}-app" }
}

resource "aws_iam_role_policy" "irsa" {
  name   = "birdai-app"
  role   = aws_iam_role.irsa.id
  policy = var.irsa_policy_json
}
