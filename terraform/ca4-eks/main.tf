# CA4: Kubernetes on EKS (docs/stages/ca4.md). The cluster with a CPU node group and,
# when asked for, a GPU one for the inference service; RDS and S3 + CloudFront as
# in CA2, the state outside the cluster; and an IRSA role that gives the app's
# service account (k8s/overlays/ca4-eks) its S3 access, with no key anywhere.

module "network" {
  source   = "../modules/network"
  name     = var.name
  az_count = 2
  # No NAT gateway (~32 USD a month): nodes in the public subnets, with addresses.
  public_ip_on_launch = true
}

module "storage" {
  source        = "../modules/storage_cdn"
  name          = var.name
  bucket_name   = var.bucket_name
  force_destroy = var.force_destroy_bucket
}

locals {
  cpu_group = {
    instance_types = [var.cpu_nodes.instance_type]
    ami_type       = "AL2023_x86_64_STANDARD"
    min_size       = var.cpu_nodes.min_size
    desired_size   = var.cpu_nodes.desired_size
    max_size       = var.cpu_nodes.max_size
    labels         = { "birdai.io/node" = "cpu" }
    taints         = []
  }
  # Only pods that tolerate the taint (the gpu overlay's inference) land on a GPU node.
  gpu_group = {
    instance_types = [var.gpu_nodes.instance_type]
    ami_type       = "AL2023_x86_64_NVIDIA"
    min_size       = var.gpu_nodes.min_size
    desired_size   = var.gpu_nodes.desired_size
    max_size       = var.gpu_nodes.max_size
    disk_gb        = 60
    labels         = { "birdai.io/node" = "gpu", "nvidia.com/gpu.present" = "true" }
    taints         = [{ key = "nvidia.com/gpu", value = "true", effect = "NO_SCHEDULE" }]
  }
}

module "eks" {
  source              = "../modules/eks"
  name                = var.name
  kubernetes_version  = var.kubernetes_version
  subnet_ids          = module.network.public_subnet_ids
  public_access_cidrs = [var.admin_cidr]
  node_groups         = merge({ cpu = local.cpu_group }, var.gpu_nodes.enabled ? { gpu = local.gpu_group } : {})
  irsa_policy_json    = module.storage.app_policy_json
}

module "database" {
  source = "../modules/database"
  name   = var.name
  vpc_id = module.network.vpc_id
  # The group EKS puts on every managed node: pods reach RDS from the nodes' addresses.
  subnet_ids                = module.network.private_subnet_ids
  client_security_group_ids = [module.eks.cluster_security_group_id]
  instance_class            = var.db_instance_class
  password_rotation_days    = var.db_password_rotation_days
}
