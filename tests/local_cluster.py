"""A PostgreSQL cluster of a test's own (scripts/pg-local on a free port), and the app on it.

For tests that need a database they may stop, restart or fill without touching the
test database: the app's default follows BIRDAI_PG_PORT and BIRDAI_PG_DATA.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.gossip.cluster import free_port

PG_LOCAL = REPO_ROOT / "scripts" / "pg-local"
# What picks the database; cleared, so the developer's own shell is no input.
DATABASE_VARIABLES = ("DATABASE_URL", "BIRDAI_PG_PORT", "BIRDAI_PG_DATA", "BIRDAI_DATA_DIR")
APP_ENV = {"BIRDAI_SECRET_KEY": "tests-only-not-a-secret", "BIRDAI_HTTPS": "0"}


def clean_env(**env: str) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if k not in DATABASE_VARIABLES}
    return kept | env


def pg_local(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PG_LOCAL), *args], env=clean_env(**env), capture_output=True, text=True, timeout=120
    )


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=clean_env(**APP_ENV, **env),
        capture_output=True,
        text=True,
        timeout=300,
    )


@contextmanager
def throwaway_cluster() -> Iterator[dict[str, str]]:
    """A second pg-local cluster on a free port, in a folder of its own; stopped at the end.

    Yields the environment that points pg-local and the app at it.
    """
    # Not tmp_path: as root, pg-local runs postgres as its own user, which must be able
    # to enter every parent folder, and pytest's folders are private to this user.
    folder = Path(tempfile.mkdtemp(prefix="birdai-pg-test-"))
    folder.chmod(0o711)
    env = {"BIRDAI_PG_DATA": str(folder / "postgres"), "BIRDAI_PG_PORT": str(free_port())}
    try:
        started = pg_local("start", **env)
        if "PostgreSQL server not found" in started.stderr:
            pytest.skip("no initdb/postgres here: scripts/install-system-deps db installs them")
        assert started.returncode == 0, started.stdout + started.stderr
        yield env
    finally:
        pg_local("stop", **env)
        shutil.rmtree(folder, ignore_errors=True)
