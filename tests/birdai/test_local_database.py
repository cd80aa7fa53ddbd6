"""The app's default database is the cluster scripts/pg-local runs, wherever it runs.

BIRDAI_PG_PORT moves both: a throw-away cluster on another port gets the rows,
and the usual one on 5433 gets none.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import dj_database_url
import psycopg
import pytest

from tests.conftest import REPO_ROOT
from tests.gossip.cluster import free_port
from tests.s3 import settings_module

PG_LOCAL = REPO_ROOT / "scripts" / "pg-local"
USUAL_CLUSTER = "postgres://birdai@127.0.0.1:5433/birdai"
# What picks the database; cleared, so the developer's own shell is no input.
DATABASE_VARIABLES = ("DATABASE_URL", "BIRDAI_PG_PORT", "BIRDAI_PG_DATA", "BIRDAI_DATA_DIR")


def clean_env(**env: str) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if k not in DATABASE_VARIABLES}
    return kept | env


def pg_local(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PG_LOCAL), *args], env=clean_env(**env), capture_output=True, text=True, timeout=120
    )


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    app_env = {"BIRDAI_SECRET_KEY": "tests-only-not-a-secret", "BIRDAI_HTTPS": "0"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=clean_env(**app_env, **env),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("port", [None, "5999"])
def test_pg_local_and_the_settings_name_the_same_database(monkeypatch, port):
    env = {"BIRDAI_PG_PORT": port} if port else {}
    for name in DATABASE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    shown = pg_local("url", **env)
    assert shown.returncode == 0, shown.stderr
    script = dj_database_url.parse(shown.stdout.strip())
    app = settings_module(monkeypatch, **env)["DATABASES"]["default"]
    keys = ("HOST", "PORT", "USER", "NAME")
    assert [app[key] for key in keys] == [script[key] for key in keys]
    assert app["PORT"] == int(port or 5433)


@pytest.fixture
def throwaway_cluster() -> Iterator[dict[str, str]]:
    """A second pg-local cluster on a free port, in a folder of its own; stopped at the end."""
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


def has_user(url: str, username: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=5) as connection:
            found = connection.execute("SELECT 1 FROM auth_user WHERE username = %s", [username])
            return found.fetchone() is not None
    except psycopg.Error:  # no cluster there, or no tables: the rows are not there either
        return False


def test_the_app_writes_into_the_cluster_on_its_port(throwaway_cluster, tmp_path):
    env = throwaway_cluster | {"BIRDAI_DATA_DIR": str(tmp_path)}
    migrated = manage("migrate", "--no-input", **env)
    assert migrated.returncode == 0, migrated.stderr
    username = f"port-probe-{uuid.uuid4().hex[:12]}"
    create = f"from django.contrib.auth.models import User; User.objects.create_user({username!r})"
    written = manage("shell", "-c", create, **env)
    assert written.returncode == 0, written.stderr

    port = throwaway_cluster["BIRDAI_PG_PORT"]
    assert has_user(f"postgres://birdai@127.0.0.1:{port}/birdai", username)
    assert not has_user(USUAL_CLUSTER, username), "the row went to the cluster on 5433"
