"""Production settings, checked the way a deployment starts: a fresh process."""

import os
import re
import secrets
import subprocess
import sys

from tests.conftest import REPO_ROOT

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
