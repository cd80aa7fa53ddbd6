# The bucket and the CDN with a mocked AWS: private bucket, CloudFront reads media/
# and nothing else, the app's policy covers its two prefixes only.

mock_provider "aws" {
  source = "../../mocks"
}

variables {
  name = "birdai-test"
}

run "bucket_is_private" {
  command = apply

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "All four Block Public Access settings are on."
  }
  assert {
    condition     = aws_s3_bucket_ownership_controls.this.rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs are off: policies alone decide."
  }
  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "Objects are encrypted at rest (SSE-S3)."
  }
  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.this.rule[0].abort_incomplete_multipart_upload[0].days_after_initiation == 1
    error_message = "Parts of failed uploads go after a day."
  }
  assert {
    condition     = aws_s3_bucket.this.bucket_prefix == "birdai-test-" && !aws_s3_bucket.this.force_destroy
    error_message = "A unique name from the prefix; photos are not deleted with the bucket unless asked."
  }
}

run "cloudfront_reads_media_only" {
  command = apply

  assert {
    condition     = [for b in aws_cloudfront_distribution.this.ordered_cache_behavior : b.path_pattern] == ["media/*"]
    error_message = "Without an app, media/* is the only behaviour besides the default."
  }
  assert {
    condition = alltrue([
      for o in aws_cloudfront_distribution.this.origin :
      o.domain_name == aws_s3_bucket.this.bucket_regional_domain_name && o.origin_access_control_id == aws_cloudfront_origin_access_control.this.id
    ])
    error_message = "Every origin is the bucket's REST endpoint, signed with the origin access control."
  }
  assert {
    condition     = { for o in aws_cloudfront_distribution.this.origin : o.origin_id => o.origin_path } == { "s3-media" = "", "s3-under-media" = "/media" }
    error_message = "The bucket as is for media/*, and under /media for every other path."
  }
  assert {
    condition     = aws_cloudfront_distribution.this.ordered_cache_behavior[0].target_origin_id == "s3-media" && aws_cloudfront_distribution.this.default_cache_behavior[0].target_origin_id == "s3-under-media"
    error_message = "Only media/* reaches keys as named; /originals/x would become media/originals/x."
  }
  assert {
    condition     = toset(aws_cloudfront_distribution.this.default_cache_behavior[0].allowed_methods) == toset(["GET", "HEAD"])
    error_message = "The CDN only reads."
  }
  assert {
    condition = alltrue(concat(
      [for b in aws_cloudfront_distribution.this.ordered_cache_behavior : b.viewer_protocol_policy == "redirect-to-https"],
      [aws_cloudfront_distribution.this.default_cache_behavior[0].viewer_protocol_policy == "redirect-to-https"],
    ))
    error_message = "Viewers are sent to https."
  }
  assert {
    condition     = aws_cloudfront_origin_access_control.this.signing_behavior == "always" && aws_cloudfront_origin_access_control.this.origin_access_control_origin_type == "s3"
    error_message = "CloudFront signs every request to S3."
  }
  assert {
    condition     = aws_cloudfront_distribution.this.viewer_certificate[0].cloudfront_default_certificate && length(aws_cloudfront_distribution.this.aliases) == 0
    error_message = "No domain: CloudFront's own name and certificate."
  }
}

run "bucket_policy_grants_cloudfront_media_and_forces_tls" {
  command = apply

  assert {
    condition     = data.aws_iam_policy_document.bucket.statement[0].resources == toset(["arn:aws:s3:::birdai-test-bucket/media/*"]) && data.aws_iam_policy_document.bucket.statement[0].actions == toset(["s3:GetObject"])
    error_message = "CloudFront may get objects under media/, nothing else."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.bucket.statement[0].condition).values == tolist([aws_cloudfront_distribution.this.arn])
    error_message = "Only this distribution, not any CloudFront distribution."
  }
  assert {
    condition     = data.aws_iam_policy_document.bucket.statement[1].effect == "Deny" && one(data.aws_iam_policy_document.bucket.statement[1].condition).values == tolist(["false"])
    error_message = "Requests without TLS are refused."
  }
  assert {
    condition     = data.aws_iam_policy_document.app.statement[0].resources == toset(["arn:aws:s3:::birdai-test-bucket/media/*", "arn:aws:s3:::birdai-test-bucket/originals/*"])
    error_message = "The app's objects are under its two prefixes only."
  }
  assert {
    condition     = !contains(flatten([for s in data.aws_iam_policy_document.app.statement : tolist(s.actions)]), "s3:PutObjectAcl")
    error_message = "The app never sets ACLs."
  }
  assert {
    condition     = output.env == { BIRDAI_S3_BUCKET = aws_s3_bucket.this.id, BIRDAI_S3_REGION = "us-east-1", BIRDAI_CDN_DOMAIN = "d1234abcd.cloudfront.net" }
    error_message = "The app's S3 settings: bucket, region and the CDN's name."
  }
}

run "app_behind_the_same_distribution" {
  command = apply

  variables {
    app_origin_domain = "ec2-198-51-100-10.compute-1.amazonaws.com"
    aliases           = ["birdai.example.org"]
    certificate_arn   = "arn:aws:acm:us-east-1:123456789012:certificate/example"
  }

  assert {
    condition     = { for b in aws_cloudfront_distribution.this.ordered_cache_behavior : b.path_pattern => b.target_origin_id } == { "media/*" = "s3-media", "static/*" = "app" }
    error_message = "media/* from the bucket, static/* (hashed names) cached from the app."
  }
  assert {
    condition     = !contains([for o in aws_cloudfront_distribution.this.origin : o.origin_path], "/media")
    error_message = "With an app, every other path goes to the app, not to the bucket."
  }
  assert {
    condition = (
      aws_cloudfront_distribution.this.default_cache_behavior[0].target_origin_id == "app" &&
      aws_cloudfront_distribution.this.default_cache_behavior[0].cache_policy_id == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" &&
      length(aws_cloudfront_distribution.this.default_cache_behavior[0].allowed_methods) == 7
    )
    error_message = "Pages and the API go to the app, uncached, with every method (uploads are POSTs)."
  }
  assert {
    condition     = one([for o in aws_cloudfront_distribution.this.origin : o.custom_origin_config[0] if o.origin_id == "app"]).origin_protocol_policy == "http-only"
    error_message = "CloudFront talks plain HTTP to haproxy on port 80 (haproxy_cloudfront)."
  }
  assert {
    condition = (
      aws_cloudfront_distribution.this.viewer_certificate[0].acm_certificate_arn == var.certificate_arn &&
      aws_cloudfront_distribution.this.viewer_certificate[0].minimum_protocol_version == "TLSv1.2_2021" &&
      aws_cloudfront_distribution.this.viewer_certificate[0].ssl_support_method == "sni-only"
    )
    error_message = "Your domain with its ACM certificate, TLS 1.2 at least."
  }
  assert {
    condition     = output.env.BIRDAI_CDN_DOMAIN == "birdai.example.org"
    error_message = "Photos come from your domain: media/* is a behaviour of the same distribution."
  }
}

run "aliases_need_a_certificate" {
  command = plan

  variables {
    aliases = ["birdai.example.org"]
  }

  expect_failures = [aws_cloudfront_distribution.this]
}
