# EKS with a mocked AWS: the API reachable from your address only, node groups
# with IMDSv2 and encrypted disks, a GPU group that only tolerating pods use, and
# an IRSA role that one service account alone can assume.

mock_provider "aws" {
  source = "../../mocks"
}

variables {
  name                = "birdai-test"
  subnet_ids          = ["subnet-a", "subnet-b"]
  public_access_cidrs = ["203.0.113.5/32"]
  irsa_policy_json    = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  node_groups = {
    cpu = { instance_types = ["t3.medium"], ami_type = "AL2023_x86_64_STANDARD", min_size = 1, desired_size = 2, max_size = 3 }
    gpu = {
      instance_types = ["g4dn.xlarge"], ami_type = "AL2023_x86_64_NVIDIA", min_size = 0, desired_size = 1, max_size = 1
      labels         = { "nvidia.com/gpu.present" = "true" }
      taints         = [{ key = "nvidia.com/gpu", value = "true", effect = "NO_SCHEDULE" }]
    }
  }
}

run "control_plane" {
  command = apply

  assert {
    condition     = aws_eks_cluster.this.vpc_config[0].public_access_cidrs == toset(["203.0.113.5/32"]) && aws_eks_cluster.this.vpc_config[0].endpoint_private_access
    error_message = "The API is public to your address only; nodes reach it privately."
  }
  assert {
    condition     = aws_eks_cluster.this.access_config[0].authentication_mode == "API" && aws_eks_cluster.this.upgrade_policy[0].support_type == "STANDARD"
    error_message = "Access entries (IAM), and no extended-support bill."
  }
  assert {
    condition     = aws_cloudwatch_log_group.cluster.name == "/aws/eks/birdai-test/cluster" && aws_cloudwatch_log_group.cluster.retention_in_days == 7
    error_message = "The control plane's logs expire after a week (EKS's own group would keep them forever)."
  }
}

run "nodes" {
  command = apply

  assert {
    condition     = alltrue([for lt in aws_launch_template.node : lt.metadata_options[0].http_tokens == "required" && lt.metadata_options[0].http_put_response_hop_limit == 1])
    error_message = "IMDSv2, one hop: pods cannot borrow the node's role."
  }
  assert {
    condition     = alltrue([for lt in aws_launch_template.node : lt.block_device_mappings[0].ebs[0].encrypted == "true"])
    error_message = "Node disks are encrypted."
  }
  assert {
    condition     = alltrue([for lt in aws_launch_template.node : alltrue([for spec in lt.tag_specifications : spec.tags.Project == "birdai"])])
    error_message = "Instances and disks carry the stage's tags (default_tags do not reach them)."
  }
  assert {
    condition     = length(aws_eks_node_group.this["cpu"].taint) == 0 && aws_eks_node_group.this["cpu"].scaling_config[0].desired_size == 2
    error_message = "CPU nodes take any pod."
  }
  assert {
    condition     = one(aws_eks_node_group.this["gpu"].taint).key == "nvidia.com/gpu" && one(aws_eks_node_group.this["gpu"].taint).effect == "NO_SCHEDULE"
    error_message = "GPU nodes take only the pods that tolerate nvidia.com/gpu."
  }
  assert {
    condition     = aws_eks_node_group.this["gpu"].ami_type == "AL2023_x86_64_NVIDIA" && aws_eks_node_group.this["gpu"].labels["nvidia.com/gpu.present"] == "true"
    error_message = "The NVIDIA image (driver and container toolkit), labelled for the gpu overlay's node selector."
  }
}

run "irsa" {
  command = apply

  assert {
    condition     = one(data.aws_iam_policy_document.irsa_trust.statement).actions == toset(["sts:AssumeRoleWithWebIdentity"])
    error_message = "Assumed with the cluster's OIDC tokens."
  }
  assert {
    condition = { for c in one(data.aws_iam_policy_document.irsa_trust.statement).condition : c.variable => c.values } == {
      "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub" = tolist(["system:serviceaccount:birdai:birdai"])
      "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud" = tolist(["sts.amazonaws.com"])
    }
    error_message = "Only the birdai service account in the birdai namespace, for STS."
  }
  assert {
    condition     = aws_iam_openid_connect_provider.this.client_id_list == toset(["sts.amazonaws.com"])
    error_message = "The OIDC provider serves STS."
  }
  assert {
    condition     = output.irsa_role_arn == aws_iam_role.irsa.arn
    error_message = "The role's ARN for the service account's annotation."
  }
}
