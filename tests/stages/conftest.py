"""What the course stages' tests share: podman, and databases of their own.

These tests run with `make test-stages` (pytest tests/stages), not with `make
test`: they build images and start containers, which takes minutes.
"""

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings

from tests.conftest import REPO_ROOT

# runc, cgroupfs, ulimits this machine allows: see the file.
CONTAINERS_CONF = Path(__file__).with_name("containers.conf")
PODMAN_ENV = {**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF)}


def podman(*args: str, timeout: float = 60, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run `podman ARGS` with our containers.conf; on failure, say what podman said."""
    result = subprocess.run(
        ["podman", *args],
        cwd=REPO_ROOT,
        env=PODMAN_ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"podman {' '.join(args[:3])} ... exited {result.returncode}:\n"
            f"{(result.stdout + result.stderr)[-3000:]}"
        )
    return result


@pytest.fixture(scope="session")
def podman_here() -> None:
    """Skip, saying why, where podman is not installed."""
    if shutil.which("podman") is None:
        pytest.skip("podman is not installed (scripts/install-system-deps stages)")


@contextmanager
def temporary_database() -> Iterator[str]:
    """A new, empty database on the test server (PostGIS from template1); its URL.

    Named birdai_ca1_<random>, dropped afterwards even if a container still
    holds a connection to it.
    """
    db = settings.DATABASES["default"]
    name = f"birdai_ca1_{uuid.uuid4().hex[:12]}"
    server = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"]}
    if db["PASSWORD"]:
        server["password"] = db["PASSWORD"]
    with psycopg.connect(**server, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    try:
        yield f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST']}:{db['PORT']}/{name}"
    finally:
        with psycopg.connect(**server, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh_database() -> Iterator[str]:
    with temporary_database() as url:
        yield url
