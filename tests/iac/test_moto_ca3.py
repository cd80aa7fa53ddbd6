"""ca3-ntier, applied to moto: the tiers' hosts and security groups, CloudFront with
the domain's certificate, and the inventory Ansible gets."""

from collections import Counter
from typing import Any

import pytest
import yaml

from tests.iac.moto_stages import DOMAIN, SSH_CIDR, Deployment

TIERS = {"proxy1": "proxy", "app1": "app", "app2": "app", "worker1": "worker"}


@pytest.fixture
def ca3(moto_stages: dict[str, Deployment]) -> Deployment:
    return moto_stages["ca3-ntier"]


def instances(ca3: Deployment) -> dict[str, dict[str, Any]]:
    """CA3's running instances by their Name tag."""
    reservations = ca3.client("ec2").describe_instances(
        Filters=[
            {"Name": "tag:Stage", "Values": ["ca3"]},
            {"Name": "instance-state-name", "Values": ["running"]},
        ]
    )["Reservations"]
    found = [instance for reservation in reservations for instance in reservation["Instances"]]
    return {next(t["Value"] for t in i["Tags"] if t["Key"] == "Name"): i for i in found}


def inbound(ca3: Deployment, group_id: str) -> set[tuple[int, str]]:
    """A security group's inbound rules as (port, source): a range, a group or a prefix list."""
    rules = ca3.client("ec2").describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [group_id]}]
    )["SecurityGroupRules"]
    return {
        (
            rule["FromPort"],
            rule.get("CidrIpv4")
            or rule.get("PrefixListId")
            or rule["ReferencedGroupInfo"]["GroupId"],
        )
        for rule in rules
        if not rule["IsEgress"]
    }


def test_one_proxy_two_app_hosts_one_worker(ca3: Deployment) -> None:
    hosts = instances(ca3)
    roles = Counter(
        next(t["Value"] for t in host["Tags"] if t["Key"] == "Role") for host in hosts.values()
    )
    assert roles == {"proxy": 1, "app": 2, "worker": 1}
    assert set(hosts) == set(TIERS)


def test_each_tier_admits_only_the_one_before_it(ca3: Deployment) -> None:
    # Each tier's group, by its Name tag (moto lists no groups on an instance itself).
    groups = ca3.client("ec2").describe_security_groups(
        Filters=[{"Name": "tag:Stage", "Values": ["ca3"]}]
    )["SecurityGroups"]
    by_name = {
        next(t["Value"] for t in g["Tags"] if t["Key"] == "Name"): g["GroupId"] for g in groups
    }
    group = {host: by_name[f"birdai-ca3-{tier}"] for host, tier in TIERS.items()}
    cloudfront = ca3.client("ec2").describe_managed_prefix_lists(
        Filters=[
            {
                "Name": "prefix-list-name",
                "Values": ["com.amazonaws.global.cloudfront.origin-facing"],
            }
        ]
    )["PrefixLists"][0]["PrefixListId"]
    assert inbound(ca3, group["proxy1"]) == {(22, SSH_CIDR), (80, cloudfront)}
    assert inbound(ca3, group["app1"]) == {(22, SSH_CIDR), (8000, group["proxy1"])}
    assert group["app1"] == group["app2"]
    assert inbound(ca3, group["worker1"]) == {(22, SSH_CIDR)}
    (database,) = ca3.client("rds").describe_db_instances(DBInstanceIdentifier="birdai-ca3")[
        "DBInstances"
    ]
    assert not database["PubliclyAccessible"]
    (db_group,) = database["VpcSecurityGroups"]
    assert inbound(ca3, db_group["VpcSecurityGroupId"]) == {
        (5432, group["app1"]),
        (5432, group["worker1"]),
    }


def test_cloudfront_serves_the_domain_with_its_certificate(ca3: Deployment) -> None:
    config = ca3.distribution()
    assert config["Aliases"]["Items"] == [DOMAIN]
    certificate = ca3.client("acm").describe_certificate(
        CertificateArn=config["ViewerCertificate"]["ACMCertificateArn"]
    )["Certificate"]
    assert (certificate["DomainName"], certificate["Status"]) == (DOMAIN, "ISSUED")
    assert config["ViewerCertificate"]["MinimumProtocolVersion"] == "TLSv1.2_2021"
    origins = {origin["Id"]: origin for origin in config["Origins"]["Items"]}
    assert origins["app"]["DomainName"] == ca3.value("hosts")["proxy"]["proxy1"]["public_dns"]
    assert origins["app"]["CustomOriginConfig"]["OriginProtocolPolicy"] == "http-only"
    assert config["DefaultCacheBehavior"]["TargetOriginId"] == "app"
    assert [(b["PathPattern"], b["TargetOriginId"]) for b in config["CacheBehaviors"]["Items"]] == [
        ("media/*", "s3-media"),
        ("static/*", "app"),
    ]
    assert ca3.value("site_url") == f"https://{DOMAIN}/"


def test_the_domain_points_at_cloudfront(ca3: Deployment) -> None:
    zone = ca3.client("route53").list_hosted_zones_by_name(DNSName="example.org")["HostedZones"][0]
    records = ca3.client("route53").list_resource_record_sets(HostedZoneId=zone["Id"])[
        "ResourceRecordSets"
    ]
    (site,) = [r for r in records if r["Name"] == f"{DOMAIN}." and r["Type"] == "A"]
    assert site["AliasTarget"]["DNSName"].rstrip(".") == ca3.value("distribution_domain_name")
    assert any(r["Type"] == "CNAME" and r["Name"].endswith(f".{DOMAIN}.") for r in records), (
        "the ACM validation record"
    )
    assert ca3.value("dns_records") == []


def test_ansible_inventory_names_the_hosts_as_they_are(ca3: Deployment) -> None:
    hosts = instances(ca3)
    inventory = yaml.safe_load(ca3.value("ansible_inventory"))["all"]["children"]
    listed = {name: vars for group in inventory.values() for name, vars in group["hosts"].items()}
    proxy_address = ca3.client("ec2").describe_addresses()["Addresses"]
    public = {name: host.get("PublicIpAddress") for name, host in hosts.items()}
    public["proxy1"] = next(
        a["PublicIp"] for a in proxy_address if a.get("InstanceId") == hosts["proxy1"]["InstanceId"]
    )
    assert listed == {
        name: {"ansible_host": public[name], "birdai_address": host["PrivateIpAddress"]}
        for name, host in hosts.items()
    }
    assert set(inventory) == {"proxy", "app", "worker"}
    group_vars = yaml.safe_load(ca3.value("ansible_group_vars"))
    assert group_vars["birdai_server_name"] == DOMAIN
    assert group_vars["haproxy_cloudfront"] is True and group_vars["birdai_storage_shared"] is True
    assert (
        group_vars["birdai_extra_env"]["BIRDAI_S3_BUCKET"]
        == ca3.value("app_env")["BIRDAI_S3_BUCKET"]
    )
