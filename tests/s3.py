"""S3 for the tests: a local S3-compatible server (moto) over real HTTP, in this process.

`s3` gives a test a fresh bucket and points both storages at it; `s3_down` points
them at a port nobody listens on. Either way the storages are configured by the real
settings module, run again with BIRDAI_S3_* variables set.
"""

import logging
import runpy
import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.conftest import REPO_ROOT

TEST_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
# Everything that picks the storage; cleared first, so a developer's own shell is no input.
STORAGE_VARIABLES = [
    "BIRDAI_S3_BUCKET",
    "BIRDAI_S3_ORIGINALS_BUCKET",
    "BIRDAI_S3_REGION",
    "BIRDAI_S3_ENDPOINT_URL",
    "BIRDAI_S3_URL_EXPIRY",
    "BIRDAI_CDN_DOMAIN",
    "BIRDAI_SERVE_MEDIA",
    *TEST_KEYS,
]


def settings_module(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    """The settings birdai/settings.py makes from these variables (and no other storage ones)."""
    for name in STORAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)
    monkeypatch.setenv("BIRDAI_SECRET_KEY", "tests-only")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(REPO_ROOT / "birdai" / "settings.py"))


@dataclass(frozen=True)
class S3:
    """One test's bucket, looked at with a plain boto3 client, not through the app."""

    client: Any
    endpoint: str
    bucket: str

    @property
    def env(self) -> dict[str, str]:
        """The variables that point bird.ai at this bucket."""
        return {"BIRDAI_S3_BUCKET": self.bucket, "BIRDAI_S3_ENDPOINT_URL": self.endpoint}

    def keys(self) -> set[str]:
        listed = self.client.list_objects_v2(Bucket=self.bucket)
        return {entry["Key"] for entry in listed.get("Contents", [])}

    def head(self, key: str) -> dict[str, Any]:
        return self.client.head_object(Bucket=self.bucket, Key=key)

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 on 127.0.0.1 at a free port, for the whole session."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # else one log line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_settings(settings, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Configure the storages as production does from these variables (test keys added)."""

    def configure(**env: str) -> None:
        fresh = settings_module(monkeypatch, **TEST_KEYS, **env)
        # Assigning STORAGES makes Django drop the storages it had built.
        settings.STORAGES = fresh["STORAGES"] | {"staticfiles": settings.STORAGES["staticfiles"]}

    return configure


@pytest.fixture
def s3(s3_endpoint: str, s3_settings: Callable[..., None]) -> S3:
    """Both storages in a fresh bucket of the local S3 server."""
    bucket = f"birdai-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=TEST_KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=TEST_KEYS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=bucket)
    found = S3(client, s3_endpoint, bucket)
    s3_settings(**found.env)
    return found


@pytest.fixture
def s3_down(s3_settings: Callable[..., None]) -> None:
    """S3 unreachable: the storages point at a local port that refuses connections."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    s3_settings(
        BIRDAI_S3_BUCKET="birdai-down", BIRDAI_S3_ENDPOINT_URL=f"http://127.0.0.1:{closed_port}"
    )
