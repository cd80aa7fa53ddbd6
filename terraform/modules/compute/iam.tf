# The hosts' IAM role: boto3 (the app's S3 storage) finds its temporary
# credentials through the instance metadata service, so no key is ever stored.

data "aws_iam_policy_document" "assume_ec2" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  count              = var.instance_role ? 1 : 0
  name_prefix        = "${var.name}-"
  assume_role_policy = data.aws_iam_policy_document.assume_ec2.json
  tags               = { Name = var.name }
}

resource "aws_iam_role_policy" "this" {
  count  = var.instance_role ? 1 : 0
  name   = "birdai-app"
  role   = aws_iam_role.this[0].id
  policy = var.instance_policy_json
}

resource "aws_iam_instance_profile" "this" {
  count       = var.instance_role ? 1 : 0
  name_prefix = "${var.name}-"
  role        = aws_iam_role.this[0].name
  tags        = { Name = var.name }
}
