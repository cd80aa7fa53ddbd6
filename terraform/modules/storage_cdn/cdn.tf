# CloudFront in front of media/ only. The bucket policy lets CloudFront read
# media/* and nothing else, and no behaviour maps a path to a key outside media/:
# `media/*` goes to the bucket as is, and every other path (the default behaviour,
# which CloudFront requires) either goes to the app (CA3) or to the bucket under
# origin path /media, so /originals/x asks for media/originals/x, which does not exist.

locals {
  custom_domain = length(var.aliases) > 0
  s3_origin     = "s3-media"
  # The same bucket, seen from under media/: what the default behaviour reaches.
  s3_media_only_origin = "s3-under-media"
  app_origin           = "app"
  # AWS's managed policies (the same IDs in every account).
  caching_optimized         = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  caching_disabled          = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  all_viewer_and_cf_headers = "33f36d7e-f396-46d9-90e0-52428a34d9dc" # AllViewerAndCloudFrontHeaders-2022-06
  security_headers          = "67f7725c-6f97-4210-82d7-5512b31e9d03" # SecurityHeadersPolicy
  default_origin            = var.app_origin_domain != null ? local.app_origin : local.s3_media_only_origin
  all_methods               = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
  read_methods              = ["GET", "HEAD"]
}

resource "aws_cloudfront_origin_access_control" "this" {
  name                              = "${var.name}-media"
  description                       = "CloudFront signs its requests to the bird.ai bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_distribution" "this" {
  #checkov:skip=CKV_AWS_68:AWS WAF is billed monthly per web ACL and rule; nothing here takes input but the app, which checks it
  #checkov:skip=CKV_AWS_86:standard logs need a bucket with ACLs; CloudFront's metrics are free
  #checkov:skip=CKV_AWS_310:one origin per path, no failover origin to fail over to
  #checkov:skip=CKV_AWS_305:no default root object: / is the app's (CA3) or nothing's (CA2)
  #checkov:skip=CKV2_AWS_47:no WAF (CKV_AWS_68), so no Log4j rule set; the app is Python
  #checkov:skip=CKV_AWS_374:no geo restriction: a bird map is for everyone
  #checkov:skip=CKV2_AWS_32:media/* has the managed security headers; the app's pages carry Django's own (HSTS, nosniff, X-Frame-Options)
  #checkov:skip=CKV_AWS_174:without a domain of your own the distribution has CloudFront's certificate, whose policy AWS sets; with one, TLSv1.2_2021
  enabled         = true
  comment         = "bird.ai ${var.name}"
  is_ipv6_enabled = true
  http_version    = "http2and3"
  price_class     = var.price_class
  aliases         = var.aliases

  origin {
    origin_id   = local.s3_origin
    domain_name = aws_s3_bucket.this.bucket_regional_domain_name
    # Keys as the app names them: /media/x is the object media/x.
    origin_path              = ""
    origin_access_control_id = aws_cloudfront_origin_access_control.this.id
  }

  dynamic "origin" {
    for_each = var.app_origin_domain == null ? [local.s3_media_only_origin] : []
    content {
      origin_id                = origin.value
      domain_name              = aws_s3_bucket.this.bucket_regional_domain_name
      origin_path              = "/media"
      origin_access_control_id = aws_cloudfront_origin_access_control.this.id
    }
  }

  # CA3: haproxy on the proxy host, plain HTTP over AWS's network (docs/stages/ca3.md:
  # haproxy_cloudfront); only CloudFront's addresses may reach its port 80.
  dynamic "origin" {
    for_each = var.app_origin_domain == null ? [] : [var.app_origin_domain]
    content {
      origin_id   = local.app_origin
      domain_name = origin.value
      custom_origin_config {
        http_port              = 80
        https_port             = 443
        origin_protocol_policy = "http-only"
        origin_ssl_protocols   = ["TLSv1.2"]
      }
    }
  }

  ordered_cache_behavior {
    path_pattern               = "media/*"
    target_origin_id           = local.s3_origin
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = local.read_methods
    cached_methods             = local.read_methods
    cache_policy_id            = local.caching_optimized
    response_headers_policy_id = local.security_headers
    compress                   = true
  }

  # Static files carry a hash in their names (WhiteNoise): cached like the photos.
  dynamic "ordered_cache_behavior" {
    for_each = var.app_origin_domain == null ? [] : ["static/*"]
    content {
      path_pattern           = ordered_cache_behavior.value
      target_origin_id       = local.app_origin
      viewer_protocol_policy = "redirect-to-https"
      allowed_methods        = local.read_methods
      cached_methods         = local.read_methods
      cache_policy_id        = local.caching_optimized
      compress               = true
    }
  }

  # Pages and the API are per user: never cached; the viewer's Host and headers go
  # through (Django checks Host against BIRDAI_ALLOWED_HOSTS). Without an app, the
  # same read-only bucket view as media/*.
  default_cache_behavior {
    target_origin_id           = local.default_origin
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = var.app_origin_domain == null ? local.read_methods : local.all_methods
    cached_methods             = local.read_methods
    cache_policy_id            = var.app_origin_domain == null ? local.caching_optimized : local.caching_disabled
    origin_request_policy_id   = var.app_origin_domain == null ? null : local.all_viewer_and_cf_headers
    response_headers_policy_id = var.app_origin_domain == null ? local.security_headers : null
    compress                   = true
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = !local.custom_domain
    acm_certificate_arn            = local.custom_domain ? var.certificate_arn : null
    ssl_support_method             = local.custom_domain ? "sni-only" : null
    minimum_protocol_version       = local.custom_domain ? "TLSv1.2_2021" : "TLSv1"
  }

  tags = { Name = var.name }

  lifecycle {
    precondition {
      condition     = length(var.aliases) == 0 || var.certificate_arn != null
      error_message = "A domain of your own (aliases) needs its ACM certificate (certificate_arn)."
    }
  }
}
