"""Production settings, checked the way a deployment starts: a fresh process."""

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.conftest import REPO_ROOT
from tests.s3 import settings_module

PRODUCTION = {
    "BIRDAI_DEBUG": "0",
    "BIRDAI_ALLOWED_HOSTS": "birdai.example.org",
    "BIRDAI_HTTPS": "1",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BIRDAI_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        BIRDAI_SECRET_KEY=secrets.token_urlsafe(50),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", **PRODUCTION)
    assert result.returncode != 0
    assert "Set BIRDAI_SECRET_KEY" in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(50) + "\n")
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        BIRDAI_SECRET_KEY_FILE=str(key_file),
    )
    assert result.returncode == 0, result.stderr


def test_every_variable_the_code_reads_is_in_env_example():
    # .env.example is the one list of settings a deployment can change.
    pattern = re.compile(r"\"(BIRDAI_[A-Z0-9_]+)\"")
    read = {
        name
        for folder in ("birdai", "classifier", "map", "gossip")
        for path in (REPO_ROOT / folder).rglob("*.py")
        for name in pattern.findall(path.read_text())
    }
    listed = set(
        re.findall(r"^#? ?(BIRDAI_[A-Z0-9_]+)=", (REPO_ROOT / ".env.example").read_text(), re.M)
    )
    assert read, "the pattern found no variables at all"
    assert read - listed == set()


def test_local_disk_and_django_serving_media_by_default(monkeypatch):
    fresh = settings_module(monkeypatch)
    backends = {fresh["STORAGES"][alias]["BACKEND"] for alias in ("default", "originals")}
    assert backends == {"django.core.files.storage.FileSystemStorage"}
    assert fresh["SERVE_MEDIA"] is True


def test_a_bucket_puts_both_storages_in_s3(monkeypatch, tmp_path):
    secret = tmp_path / "aws_secret_access_key"
    secret.write_text("from-a-secret-file\n")
    fresh = settings_module(
        monkeypatch,
        BIRDAI_S3_BUCKET="birds",
        BIRDAI_S3_ORIGINALS_BUCKET="birds-originals",
        BIRDAI_S3_REGION="eu-west-1",
        BIRDAI_CDN_DOMAIN="d111111abcdef8.cloudfront.net",
        AWS_SECRET_ACCESS_KEY_FILE=str(secret),
    )
    served, originals = (fresh["STORAGES"][alias] for alias in ("default", "originals"))
    assert served["BACKEND"] == originals["BACKEND"] == "storages.backends.s3.S3Storage"
    assert fresh["SERVE_MEDIA"] is False, "with S3, Django serves no media"
    shown = ("bucket_name", "location", "custom_domain", "querystring_auth", "region_name")
    assert [served["OPTIONS"][key] for key in shown] == [
        "birds",
        "media",
        "d111111abcdef8.cloudfront.net",
        False,
        "eu-west-1",
    ]
    assert [originals["OPTIONS"][key] for key in shown] == [
        "birds-originals",
        "originals",
        None,
        True,
        "eu-west-1",
    ]
    assert originals["OPTIONS"]["secret_key"] == "from-a-secret-file"
    assert served["OPTIONS"]["file_overwrite"] is False


def test_originals_share_the_bucket_under_their_own_prefix_by_default(monkeypatch):
    fresh = settings_module(monkeypatch, BIRDAI_S3_BUCKET="birds")
    originals = fresh["STORAGES"]["originals"]["OPTIONS"]
    assert (originals["bucket_name"], originals["location"]) == ("birds", "originals")
    assert fresh["STORAGES"]["default"]["OPTIONS"]["querystring_auth"] is True, "presigned"


def test_s3_with_django_serving_media_from_disk_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="BIRDAI_SERVE_MEDIA"):
        settings_module(monkeypatch, BIRDAI_S3_BUCKET="birds", BIRDAI_SERVE_MEDIA="1")


def test_x_forwarded_proto_is_trusted_only_behind_our_proxy(monkeypatch):
    monkeypatch.delenv("BIRDAI_BEHIND_PROXY", raising=False)
    direct = settings_module(monkeypatch, BIRDAI_HTTPS="1")
    assert "SECURE_PROXY_SSL_HEADER" not in direct
    assert direct["SESSION_COOKIE_SECURE"] and direct["CSRF_COOKIE_SECURE"]
    assert direct["SECURE_HSTS_SECONDS"] == 31_536_000
    proxied = settings_module(monkeypatch, BIRDAI_HTTPS="1", BIRDAI_BEHIND_PROXY="1")
    assert proxied["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
