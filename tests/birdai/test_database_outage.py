"""Fault injection with real processes: PostgreSQL stopped and started under a burst.

gunicorn serves the app on a cluster of this test's own (tests/local_cluster.py);
threads keep asking for three API calls that all read the database (with a
session, with a token, anonymous) while
the cluster is stopped, then started again. While it is down every answer is a
503 with Retry-After (birdai/outage.py), never a 500 and never a hang; once it is
back the same gunicorn, not restarted, answers 200 again.
"""

import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from django.db import OperationalError

from birdai.outage import MESSAGE, server_error_or_outage
from tests.conftest import REPO_ROOT
from tests.gossip.cluster import free_port, wait_until
from tests.local_cluster import APP_ENV, clean_env, manage, pg_local, throwaway_cluster

# alice: a session (for the page) and an API token, made without hashing a password.
ALICE = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth.models import User
from accounts.services import api_token_create
alice = User.objects.create_user("alice")
session = SessionStore()
session.update({SESSION_KEY: str(alice.pk), HASH_SESSION_KEY: alice.get_session_auth_hash(),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend"})
session.create()
print(session.session_key, api_token_create(user=alice))
"""


@dataclass
class App:
    url: str
    env: dict[str, str]
    gunicorn: subprocess.Popen[bytes]
    session: str
    token: str

    def requests(self) -> list[urllib.request.Request]:
        """Three reads of the database: the API with a session, with a token and without.

        (Not a page: this gunicorn has no collected static files, which pages link to.)
        """
        page = urllib.request.Request(f"{self.url}/api/v1/submissions")
        page.add_header("Cookie", f"sessionid={self.session}")
        history = urllib.request.Request(f"{self.url}/api/v1/submissions")
        history.add_header("Authorization", f"Bearer {self.token}")
        sightings = f"{self.url}/api/v1/sightings?bbox=-180,-90,180,90&zoom=2"
        return [page, history, urllib.request.Request(sightings)]


def answer(request: urllib.request.Request) -> tuple[int, str | None]:
    """(status, Retry-After) of one request; 0 if it did not answer within 10 s."""
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("Retry-After")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Retry-After")
    except OSError:
        return 0, None


@pytest.fixture
def app(tmp_path) -> Iterator[App]:
    with throwaway_cluster() as cluster:
        env = cluster | {"BIRDAI_DATA_DIR": str(tmp_path), "BIRDAI_DB_CONN_MAX_AGE": "60"}
        assert manage("migrate", "--no-input", "-v0", **env).returncode == 0
        made = manage("shell", "-c", ALICE, **env)
        assert made.returncode == 0, made.stderr
        session, token = made.stdout.splitlines()[-1].split()  # after the shell's own lines
        port = free_port()
        command = [sys.executable, "-m", "gunicorn", "birdai.wsgi", "--bind", f"127.0.0.1:{port}"]
        command += ["--workers", "1", "--threads", "4"]
        gunicorn = subprocess.Popen(command, cwd=REPO_ROOT, env=clean_env(**APP_ENV, **env))
        app = App(f"http://127.0.0.1:{port}", env, gunicorn, session, token)
        try:
            wait_until(lambda: answer(app.requests()[0])[0] == 200, timeout=60, what="gunicorn")
            yield app
        finally:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)


def test_a_database_restart_under_a_burst_is_503_then_200_without_a_restart(app):
    # Each answer is filed under the phase its request started in: "stopping" and
    # "starting" may go either way; "up" must be 200 and "down" 503.
    seen: dict[str, Counter[tuple[int, str | None]]] = {}
    phase = ["up"]
    stop = threading.Event()

    def burst() -> None:
        while not stop.is_set():
            for request in app.requests():
                started, now = time.monotonic(), phase[0]
                status = answer(request)
                assert time.monotonic() - started < 10, "a request hung"
                seen.setdefault(now, Counter())[status] += 1

    def enter(name: str, seconds: float) -> None:
        phase[0] = name
        time.sleep(seconds)

    with ThreadPoolExecutor(4) as pool:
        bursts = [pool.submit(burst) for _ in range(4)]
        enter("up", 1)
        phase[0] = "stopping"
        assert pg_local("stop", **app.env).returncode == 0
        enter("down", 3)
        phase[0] = "starting"
        assert pg_local("start", **app.env).returncode == 0
        stop.set()
        for done in bursts:
            done.result()

    assert set(seen["up"]) == {(200, None)}, seen
    assert set(seen["down"]) == {(503, "5")}, seen
    assert set(seen.get("stopping", {})) | set(seen["starting"]) <= {(200, None), (503, "5")}
    # Back: every kind of request succeeds again, from the same gunicorn.
    for request in app.requests():
        wait_until(lambda r=request: answer(r)[0] == 200, timeout=30, what=request.full_url)
    assert app.gunicorn.poll() is None


def test_a_page_that_lost_the_database_is_a_plain_503(rf):
    # handler500 is called while Django handles the exception: the same state here.
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error_or_outage(rf.get("/submissions/"))
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == MESSAGE


def test_any_other_error_is_still_a_500(rf):
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error_or_outage(rf.get("/submissions/"))
    assert response.status_code == 500
