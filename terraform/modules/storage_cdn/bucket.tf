# One private bucket: media/ (EXIF-free copies, served through CloudFront) and
# originals/ (the uploads as sent, with GPS: never served). docs/stages/ca2.md.

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:access logs need a second bucket and are billed; CloudFront and the app log the requests that matter
  #checkov:skip=CKV_AWS_144:cross-region replication doubles storage; S3 already keeps copies in several zones
  #checkov:skip=CKV_AWS_145:SSE-S3 (AES-256) is free; a KMS key costs per request, and CloudFront would need it in the key policy
  #checkov:skip=CKV2_AWS_62:nothing listens for events: the app writes the objects itself
  #checkov:skip=CKV_AWS_21:no versioning: a deleted photo must be gone (and not billed), and objects are never overwritten anyway
  bucket        = var.bucket_name
  bucket_prefix = var.bucket_name == null ? "${var.name}-" : null
  force_destroy = var.force_destroy
  tags          = { Name = var.name }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# ACLs off: access is decided by policies only.
resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

# A part left by a failed multipart upload (above 8 MB) is invisible to listings,
# and so to storage_clean_orphans, but billed.
resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    id     = "abort-incomplete-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

data "aws_iam_policy_document" "bucket" {
  statement {
    sid       = "CloudFrontReadsTheServedCopiesOnly"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.this.arn}/media/*"]
    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.this.arn]
    }
  }
  statement {
    sid       = "TLSOnly"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.bucket.json
  # Both change the bucket's access settings: one after the other, or S3 may refuse
  # one as a conflicting operation.
  depends_on = [aws_s3_bucket_public_access_block.this]
}

# What the app may do: objects under its two prefixes, and list the bucket (the
# check before every write, and storage_clean_orphans). Nothing else.
data "aws_iam_policy_document" "app" {
  statement {
    sid       = "PhotosReadWriteDelete"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = ["${aws_s3_bucket.this.arn}/media/*", "${aws_s3_bucket.this.arn}/originals/*"]
  }
  statement {
    sid       = "ListTheBucket"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.this.arn]
  }
}
