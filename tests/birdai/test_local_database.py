"""The app's default database is the cluster scripts/pg-local runs, wherever it runs.

BIRDAI_PG_PORT moves both: a throw-away cluster on another port gets the rows,
and the usual one on 5433 gets none.
"""

import uuid
from collections.abc import Iterator

import dj_database_url
import psycopg
import pytest

from tests import local_cluster
from tests.local_cluster import DATABASE_VARIABLES, manage, pg_local
from tests.s3 import settings_module

USUAL_CLUSTER = "postgres://birdai@127.0.0.1:5433/birdai"


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
    with local_cluster.throwaway_cluster() as env:
        yield env


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
