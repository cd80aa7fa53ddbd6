"""ca2-storage and ca3-ntier applied for real, to moto on loopback, and destroyed again.

The roots are the ones a student applies; only their variables and the endpoint
differ. The provider reaches moto through AWS_ENDPOINT_URL, which the AWS SDK
(and so the provider) honours for every service, so the roots carry no test-only
settings. What moto cannot do is switched off by a variable (`variables` below).
"""

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.iac.moto_server import MotoServer
from tests.iac.terraform import Result, Terraform, copy_tree

REGION = "us-east-1"
DOMAIN = "birdai.example.org"
SSH_CIDR = "203.0.113.5/32"
STAGES = {"ca2-storage": "ca2", "ca3-ntier": "ca3"}
# Measured ~100 s to apply and ~85 s to destroy each, both at once; most of it is
# the provider's own waits (RDS polls for a minute before it believes "available"),
# so this is a bound for a busy 2-core machine, not an estimate.
TIMEOUT = 480


def ssh_public_key() -> str:
    """A real ed25519 public key (EC2 checks the format); the private half is thrown away."""
    key = (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH)
    )
    return f"{key.decode()} birdai-tests"


def moto_client(endpoint: str, service: str) -> Any:
    """A plain boto3 client for a moto server, to see what Terraform made."""
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@dataclass
class Deployment:
    """One root, applied to its own moto: its outputs and state, and that moto to look at."""

    folder: str
    stage: str
    endpoint: str
    outputs: dict[str, Any]
    state: dict[str, Any]

    def value(self, name: str) -> Any:
        return self.outputs[name]["value"]

    def client(self, service: str) -> Any:
        return moto_client(self.endpoint, service)

    def distribution(self) -> dict[str, Any]:
        """The CloudFront distribution as moto holds it: its config, and its DomainName."""
        answer = self.client("cloudfront").get_distribution(Id=self.value("distribution_id"))
        config: dict[str, Any] = answer["Distribution"]["DistributionConfig"]
        return config | {"DomainName": answer["Distribution"]["DomainName"]}


class MotoStages:
    """Both roots at once, each against a moto of its own, in one copy of terraform/."""

    def __init__(self, workdir: Path) -> None:
        copy_tree(workdir)
        self.servers = {
            folder: MotoServer(workdir / f"moto-{STAGES[folder]}.log") for folder in STAGES
        }
        self.terraform = {
            folder: Terraform(workdir, {"AWS_ENDPOINT_URL": server.endpoint, "AWS_REGION": REGION})
            for folder, server in self.servers.items()
        }
        self.applied: list[str] = []
        common = {
            "ssh_cidr": SSH_CIDR,
            "ssh_public_key": ssh_public_key(),
            # moto cannot cancel a managed secret's rotation (CancelRotateSecret), so
            # destroy would fail: leave the rotation to RDS here.
            "db_password_rotation_days": None,
        }
        self.variables = {folder: dict(common) for folder in STAGES}
        self.variables["ca3-ntier"] |= {
            "domain_name": DOMAIN,
            "route53_zone_id": self._hosted_zone("ca3-ntier"),
        }
        for folder, variables in self.variables.items():
            # moto has no Canonical SSM parameter: pin one of the AMIs it ships.
            variables["ami_id"] = self.client(folder, "ec2").describe_images(Owners=["amazon"])[
                "Images"
            ][0]["ImageId"]

    def client(self, folder: str, service: str) -> Any:
        return moto_client(self.servers[folder].endpoint, service)

    def _hosted_zone(self, folder: str) -> str:
        """The domain's zone, made by hand as a student's would be: the stage only adds records."""
        zone = self.client(folder, "route53").create_hosted_zone(
            Name="example.org", CallerReference=str(time.time())
        )
        zone_id: str = zone["HostedZone"]["Id"].split("/")[-1]
        return zone_id

    def _all(self, *args: str) -> dict[str, Result]:
        """terraform ARGS in both roots at once; each result by root."""
        for folder, variables in self.variables.items():
            self.terraform[folder].init(folder)
            (self.terraform[folder].folder(folder) / "moto.tfvars.json").write_text(
                json.dumps(variables)
            )
        started = {
            folder: self.terraform[folder].start(
                folder, *args, "-input=false", "-var-file=moto.tfvars.json"
            )
            for folder in self.variables
        }
        return {folder: Terraform.wait(process, TIMEOUT) for folder, process in started.items()}

    def apply(self) -> dict[str, Deployment]:
        self.applied = list(self.variables)
        for result in self._all("apply", "-auto-approve").values():
            result.check()
        return {
            folder: Deployment(
                folder,
                STAGES[folder],
                self.servers[folder].endpoint,
                self.terraform[folder].outputs(folder),
                self.terraform[folder].state(folder),
            )
            for folder in self.variables
        }

    def destroy(self) -> dict[str, Result]:
        """Destroy whatever was applied (once); each root's result."""
        if not self.applied:
            return {}
        self.applied = []
        return self._all("destroy", "-auto-approve")

    def leftovers(self, folder: str) -> dict[str, list[str]]:
        """What is still in a root's moto after destroy: should be nothing."""
        instances = self.client(folder, "ec2").describe_instances()["Reservations"]
        return {
            "buckets": [b["Name"] for b in self.client(folder, "s3").list_buckets()["Buckets"]],
            "databases": [
                d["DBInstanceIdentifier"]
                for d in self.client(folder, "rds").describe_db_instances()["DBInstances"]
            ],
            "distributions": [
                d["Id"]
                for d in self.client(folder, "cloudfront")
                .list_distributions()["DistributionList"]
                .get("Items", [])
            ],
            "instances": [
                i["InstanceId"]
                for r in instances
                for i in r["Instances"]
                if i["State"]["Name"] != "terminated"
            ],
        }

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()
