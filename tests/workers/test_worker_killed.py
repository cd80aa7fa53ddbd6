"""Fault injection with real processes: a worker SIGKILLed in the middle of a photo.

A photo is queued on a cluster of this test's own (tests/local_cluster.py). Worker A,
a real `manage.py worker`, takes it and is killed with SIGKILL while it classifies:
no clean-up, no `finally`. Worker B, started afterwards, finds the photo still
"processing" past BIRDAI_CLASSIFY_TIMEOUT, queues it again (the sweep,
submissions_requeue_stale) and classifies it: done on the second attempt, with
exactly one set of detections.
"""

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.conftest import CLASSES, REPO_ROOT
from tests.local_cluster import APP_ENV, clean_env, manage, throwaway_cluster

pytestmark = pytest.mark.model

QUEUE_PHOTO = """
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from submissions.services import submission_create
alice = User.objects.create_user("alice")
photo = SimpleUploadedFile("squirrel.jpg", open({path!r}, "rb").read())
print(submission_create(owner=alice, upload=photo).pk)
"""


@pytest.fixture
def cluster_env(tmp_path: Path, untrained_onnx: Path) -> Iterator[dict[str, str]]:
    with throwaway_cluster() as cluster:
        yield cluster | {
            "BIRDAI_DATA_DIR": str(tmp_path),
            "BIRDAI_MODEL_WEIGHTS": str(untrained_onnx),
            "BIRDAI_MODEL_CLASSES": ",".join(CLASSES),
            "BIRDAI_MODEL_DEVICE": "cpu",
            # The untrained head scores every box about 5e-5: at 1e-5 it finds things.
            "BIRDAI_MODEL_CONFIDENCE": "0.00001",
            "BIRDAI_CLASSIFY_TIMEOUT": "3",  # "processing" this long: its worker is gone
            "BIRDAI_SWEEP_INTERVAL": "1",
        }


def test_a_photo_whose_worker_was_killed_is_classified_once_by_the_next(
    cluster_env, make_photo, tmp_path
):
    env = cluster_env
    assert manage("migrate", "--no-input", "-v0", **env).returncode == 0
    photo = tmp_path / "squirrel.jpg"
    photo.write_bytes(make_photo(size=(1600, 1200)))
    queued = manage("shell", "-c", QUEUE_PHOTO.format(path=str(photo)), **env)
    assert queued.returncode == 0, queued.stderr
    submission = queued.stdout.splitlines()[-1]
    url = f"postgres://birdai@127.0.0.1:{env['BIRDAI_PG_PORT']}/birdai"

    with psycopg.connect(url, autocommit=True) as db:
        worker_a = _worker(env)
        try:
            _wait_for_status(db, submission, "processing", timeout=120, every=0.005)
            worker_a.send_signal(signal.SIGKILL)
            worker_a.wait(timeout=10)
        finally:
            worker_a.kill()
        state = _state(db, submission)
        assert state[0] == "processing", f"worker A finished before it was killed: {state}"

        worker_b = _worker(env)
        try:
            _wait_for_status(db, submission, "done", timeout=180, every=0.2)
        finally:
            worker_b.terminate()
            worker_b.wait(timeout=30)
        assert _state(db, submission) == ("done", 2)
        rows = db.execute(
            "SELECT count(*), count(DISTINCT (label, confidence, x1, y1, x2, y2))"
            " FROM submissions_detection WHERE submission_id = %s",
            [submission],
        ).fetchone()
        assert rows is not None
        total, distinct = rows
        assert total > 0 and total == distinct, f"{total} detections, {distinct} different"


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "manage.py", "worker", "--no-startup-delay", "--interval", "0.1"]
    process_env = clean_env(**APP_ENV, **env) | {"PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(command, cwd=REPO_ROOT, env=process_env)


def _state(db: psycopg.Connection, submission: str) -> tuple[str, int]:
    row = db.execute(
        "SELECT status, attempts FROM submissions_submission WHERE id = %s", [submission]
    ).fetchone()
    assert row is not None
    return row[0], row[1]


def _wait_for_status(
    db: psycopg.Connection, submission: str, status: str, *, timeout: float, every: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _state(db, submission)[0] == status:
            return
        time.sleep(every)
    pytest.fail(f"{submission} never became {status!r}: {_state(db, submission)}")
