"""manage.py migrate_locked: web replicas that start together take turns at migrating.

Plain `migrate`, twice at once on an empty database, fails in one of the two
(a duplicate key while both create the same tables); that is why the image's
entrypoint migrates through this command.
"""

import os
import subprocess
import sys

import psycopg
import pytest

from birdai.management.commands.migrate_locked import MIGRATE_LOCK
from tests.conftest import REPO_ROOT, run_python

pytestmark = pytest.mark.stages

ENV = {"BIRDAI_SECRET_KEY": "tests-only-not-a-secret"}


def test_two_at_once_both_succeed_and_apply_each_migration_once(fresh_database):
    env = {**ENV, "DATABASE_URL": fresh_database}
    both = [
        subprocess.Popen(
            [sys.executable, "manage.py", "migrate_locked"],
            cwd=REPO_ROOT,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=180)[0] for process in both]
    assert [process.returncode for process in both] == [0, 0], outputs
    # One applied everything; the other waited, then found nothing to do.
    assert sorted("No migrations to apply" in output for output in outputs) == [False, True]
    with psycopg.connect(fresh_database) as db:
        twice = db.execute(
            "SELECT app, name FROM django_migrations GROUP BY app, name HAVING count(*) > 1"
        ).fetchall()
    assert twice == []


def test_it_gives_up_while_another_process_keeps_migrating(fresh_database):
    with psycopg.connect(fresh_database) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK])
        result = run_python(
            "manage.py",
            "migrate_locked",
            "--wait",
            "1",
            env={**ENV, "DATABASE_URL": fresh_database},
            timeout=60,
        )
        assert result.returncode != 0
        assert "Another process kept migrating for 1 s" in result.stderr
        applied = other.execute("SELECT to_regclass('django_migrations')").fetchone()
    assert applied == (None,), "it migrated without the lock"
