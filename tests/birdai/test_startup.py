"""How the processes start: a bad setting is one line, a warning is logged once."""

import os
import subprocess
import sys

import pytest

from tests.birdai.test_settings import manage
from tests.conftest import REPO_ROOT
from tests.gossip.cluster import free_port

BAD_SETTING = "error: BIRDAI_DEBUG='maybe' is invalid: must be true or false"


def test_a_bad_setting_stops_manage_py_with_one_line():
    result = manage("check", BIRDAI_DEBUG="maybe")
    assert result.returncode == 1
    assert result.stderr.startswith(BAD_SETTING)
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_secret_key_is_one_line_too():
    result = manage("migrate", BIRDAI_DEBUG="0")
    assert result.returncode == 1
    assert result.stderr == "error: Set BIRDAI_SECRET_KEY (or BIRDAI_DEBUG=1 for development).\n"


def test_a_bad_setting_stops_gunicorn_with_the_same_line():
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BIRDAI_")}
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "birdai.wsgi", "--bind", f"127.0.0.1:{free_port()}"],
        cwd=REPO_ROOT,
        env=clean | {"BIRDAI_DEBUG": "maybe"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 4, result.stderr  # "App failed to load": the master stops too
    assert f"\n{BAD_SETTING}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("debug", ["1", "0"])
def test_a_404_is_logged_once(debug):
    request = (
        "from django.test import Client; "
        "print(Client().get('/no-such-page', HTTP_HOST='localhost').status_code)"
    )
    result = manage(
        "shell", "-c", request, BIRDAI_DEBUG=debug, BIRDAI_SECRET_KEY="tests-only", BIRDAI_HTTPS="0"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("404")
    assert result.stderr.count("Not Found: /no-such-page") == 1, result.stderr
