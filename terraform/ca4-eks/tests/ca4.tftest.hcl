# CA4's root with a mocked AWS: EKS with its node groups, RDS that only the nodes
# reach, S3 for the app's service account, and the values the overlay needs.

mock_provider "aws" {
  source = "../mocks"
}

variables {
  admin_cidr = "203.0.113.5/32"
}

run "cpu_only_by_default" {
  command = apply

  assert {
    condition     = output.node_groups == ["birdai-ca4-cpu"]
    error_message = "One CPU node group; no GPU unless asked for."
  }
  assert {
    condition     = output.kubeconfig_command == "aws eks update-kubeconfig --region us-east-1 --name birdai-ca4"
    error_message = "How to reach the cluster with kubectl."
  }
  assert {
    condition     = output.service_account_annotation == "eks.amazonaws.com/role-arn: ${output.irsa_role_arn}"
    error_message = "The annotation for the birdai service account (overlays/ca4-eks)."
  }
  assert {
    condition     = keys(output.app_env) == ["BIRDAI_CDN_DOMAIN", "BIRDAI_S3_BUCKET", "BIRDAI_S3_REGION", "DATABASE_URL"]
    error_message = "S3, the CDN and the database: what the ConfigMap and the Secret take from here."
  }
  assert {
    condition     = alltrue([for name in keys(output.app_env) : strcontains(file("../../.env.example"), "\n${name}=")])
    error_message = "Every setting named is one the app reads (.env.example)."
  }
  assert {
    condition     = strcontains(output.app_env.DATABASE_URL, ":PASSWORD@") && strcontains(output.database_url_command, output.database_password_secret_arn)
    error_message = "No password in any output: a placeholder, and the command that reads it."
  }
}

run "gpu_nodes_when_enabled" {
  command = apply

  variables {
    gpu_nodes = { enabled = true }
  }

  assert {
    condition     = output.node_groups == ["birdai-ca4-cpu", "birdai-ca4-gpu"]
    error_message = "gpu_nodes.enabled adds the GPU node group."
  }
}

run "api_never_open_to_all" {
  command = plan

  variables {
    admin_cidr = "0.0.0.0/0"
  }

  expect_failures = [var.admin_cidr]
}
