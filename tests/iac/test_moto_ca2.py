"""ca2-storage, applied to moto: what AWS would hold afterwards, read back with boto3."""

import json

import pytest

from tests.iac.moto_stages import Deployment


@pytest.fixture
def ca2(moto_stages: dict[str, Deployment]) -> Deployment:
    return moto_stages["ca2-storage"]


def test_bucket_is_private_and_encrypted(ca2: Deployment) -> None:
    s3, bucket = ca2.client("s3"), ca2.value("bucket")
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerEnforced"}
    ]


def test_bucket_policy_lets_this_distribution_read_media_only(ca2: Deployment) -> None:
    bucket = ca2.value("bucket")
    policy = json.loads(ca2.client("s3").get_bucket_policy(Bucket=bucket)["Policy"])
    distribution = ca2.client("cloudfront").get_distribution(Id=ca2.value("distribution_id"))[
        "Distribution"
    ]
    cloudfront, tls_only = policy["Statement"]
    assert cloudfront["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert (cloudfront["Effect"], cloudfront["Action"], cloudfront["Resource"]) == (
        "Allow",
        "s3:GetObject",
        f"arn:aws:s3:::{bucket}/media/*",
    )
    assert cloudfront["Condition"] == {"StringEquals": {"AWS:SourceArn": distribution["ARN"]}}
    assert (tls_only["Effect"], tls_only["Condition"]) == (
        "Deny",
        {"Bool": {"aws:SecureTransport": "false"}},
    )


def test_cloudfront_reaches_nothing_outside_media(ca2: Deployment) -> None:
    config = ca2.distribution()
    assert config["DomainName"] == ca2.value("cdn_domain")
    origins = {origin["Id"]: origin for origin in config["Origins"]["Items"]}
    bucket_domain = f"{ca2.value('bucket')}.s3.us-east-1.amazonaws.com"
    assert {name: (o["DomainName"], o["OriginPath"]) for name, o in origins.items()} == {
        "s3-media": (bucket_domain, ""),
        "s3-under-media": (bucket_domain, "/media"),
    }
    # moto keeps no origin's OriginAccessControlId (terraform test checks that each has
    # it); here, that the control exists and signs every request.
    (control,) = ca2.client("cloudfront").list_origin_access_controls()["OriginAccessControlList"][
        "Items"
    ]
    assert (control["SigningBehavior"], control["OriginAccessControlOriginType"]) == (
        "always",
        "s3",
    )
    assert [(b["PathPattern"], b["TargetOriginId"]) for b in config["CacheBehaviors"]["Items"]] == [
        ("media/*", "s3-media")
    ]
    assert config["DefaultCacheBehavior"]["TargetOriginId"] == "s3-under-media"
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"


def test_database_is_private_encrypted_and_its_password_with_rds(ca2: Deployment) -> None:
    (database,) = ca2.client("rds").describe_db_instances(DBInstanceIdentifier="birdai-ca2")[
        "DBInstances"
    ]
    assert (database["PubliclyAccessible"], database["StorageEncrypted"], database["Engine"]) == (
        False,
        True,
        "postgres",
    )
    assert database["Endpoint"]["Address"] == ca2.value("database_address")
    assert database["MasterUserSecret"]["SecretArn"] == ca2.value("database_password_secret_arn")


def test_vm_reads_s3_through_its_role(ca2: Deployment) -> None:
    (reservation,) = ca2.client("ec2").describe_instances(
        Filters=[{"Name": "tag:Stage", "Values": ["ca2"]}]
    )["Reservations"]
    (instance,) = reservation["Instances"]
    assert instance["MetadataOptions"]["HttpTokens"] == "required"
    iam = ca2.client("iam")
    profile = instance["IamInstanceProfile"]["Arn"].split("/")[-1]
    (role,) = iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Roles"]
    document = iam.get_role_policy(RoleName=role["RoleName"], PolicyName="birdai-app")[
        "PolicyDocument"
    ]
    statements = (json.loads(document) if isinstance(document, str) else document)["Statement"]
    bucket = ca2.value("bucket")
    assert {
        s["Sid"]: sorted(s["Resource"]) if isinstance(s["Resource"], list) else s["Resource"]
        for s in statements
    } == {
        "PhotosReadWriteDelete": [
            f"arn:aws:s3:::{bucket}/media/*",
            f"arn:aws:s3:::{bucket}/originals/*",
        ],
        "ListTheBucket": f"arn:aws:s3:::{bucket}",
    }
