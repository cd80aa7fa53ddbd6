"""Both applied roots: tags on everything, no secret in any output or in the state, and
outputs that are exactly the settings the app reads."""

import json
import shlex
import subprocess
import sys
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tests.iac.moto_stages import STAGES, Deployment
from tests.iac.terraform import state_resources
from tests.s3 import settings_module

FOLDERS = sorted(STAGES)


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_resource_is_tagged(moto_stages: dict[str, Deployment], folder: str) -> None:
    deployment = moto_stages[folder]
    taggable = [r for r in state_resources(deployment.state) if "tags_all" in r["values"]]
    expected = {"Project": "birdai", "Stage": deployment.stage, "ManagedBy": "terraform"}
    untagged = [
        r["address"]
        for r in taggable
        if not expected.items() <= (r["values"]["tags_all"] or {}).items()
    ]
    assert len(taggable) >= 20
    assert untagged == []


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_password_in_outputs_or_state(moto_stages: dict[str, Deployment], folder: str) -> None:
    deployment = moto_stages[folder]
    secret = deployment.client("secretsmanager").get_secret_value(
        SecretId=deployment.value("database_password_secret_arn")
    )
    password = json.loads(secret["SecretString"])["password"]
    assert len(password) >= 8
    assert password not in json.dumps(deployment.outputs)
    assert password not in json.dumps(deployment.state)
    assert [name for name, output in deployment.outputs.items() if output["sensitive"]] == []


@pytest.mark.parametrize("folder", FOLDERS)
def test_database_url_command_fills_in_the_password(
    moto_stages: dict[str, Deployment], folder: str
) -> None:
    """The command's second half, fed what `aws secretsmanager get-secret-value` prints."""
    deployment = moto_stages[folder]
    fetch, fill_in = deployment.value("database_url_command").strip().split(" | ")
    assert fetch.startswith("aws secretsmanager get-secret-value")
    assert f"--secret-id '{deployment.value('database_password_secret_arn')}'" in fetch
    secret = deployment.client("secretsmanager").get_secret_value(
        SecretId=deployment.value("database_password_secret_arn")
    )["SecretString"]
    argv = shlex.split(fill_in)
    assert argv[0] == "python3"
    printed = subprocess.run(
        [sys.executable, *argv[1:]], input=secret, capture_output=True, text=True, timeout=30
    )
    name, url = printed.stdout.strip().split("=", 1)
    parts = urlsplit(url)
    assert name == "DATABASE_URL"
    assert unquote(parts.password or "") == json.loads(secret)["password"]
    assert (parts.hostname, parts.port, parts.path) == (
        deployment.value("database_address"),
        5432,
        "/birdai",
    )
    assert parse_qs(parts.query) == {"sslmode": ["require"]}


@pytest.mark.parametrize("folder", FOLDERS)
def test_env_file_is_what_the_settings_read(
    moto_stages: dict[str, Deployment], monkeypatch: pytest.MonkeyPatch, folder: str
) -> None:
    """birdai/settings.py, run with the env_file's lines, uses the bucket, the CDN and RDS."""
    deployment = moto_stages[folder]
    env = dict(line.split("=", 1) for line in deployment.value("env_file").splitlines())
    assert env == deployment.value("app_env")
    settings = settings_module(monkeypatch, **env)
    media, originals = (
        settings["STORAGES"]["default"]["OPTIONS"],
        settings["STORAGES"]["originals"]["OPTIONS"],
    )
    assert (media["bucket_name"], media["region_name"]) == (
        deployment.value("app_env")["BIRDAI_S3_BUCKET"],
        "us-east-1",
    )
    assert (
        media["custom_domain"] == deployment.value("app_env")["BIRDAI_CDN_DOMAIN"]
        and not media["querystring_auth"]
    )
    assert originals["custom_domain"] is None and originals["querystring_auth"]
    database = settings["DATABASES"]["default"]
    assert (database["HOST"], database["NAME"], database["OPTIONS"]["sslmode"]) == (
        deployment.value("database_address"),
        "birdai",
        "require",
    )
    assert settings["ALLOWED_HOSTS"] == env["BIRDAI_ALLOWED_HOSTS"].split(",")
