"""End-to-end fixtures: a real worker process on the real database queue, and a
real headless Chromium.

The worker runs `manage.py worker` exactly as production does, against the test
database, with an untrained YOLO-World (the real architecture, built offline).
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

from classifier.weights import sha256_of
from tests.conftest import CLASSES, PASSWORD, REPO_ROOT

# Screenshots from the browser tests, for a human to look at (not committed).
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = os.environ.get("BIRDAI_CHROMIUM") or shutil.which("chromium")
# The browser must not try to reach the internet (this machine has none).
QUIET_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CSP_SAYS = "Content Security Policy"  # in each console message about a refusal


def database_url_of_tests() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


WorkerFactory = Callable[..., subprocess.Popen[str]]


@pytest.fixture
def start_worker(
    transactional_db,
    untrained_onnx: Path,
    untrained_weights: Path,
    isolated_storage: Path,
    tmp_path: Path,
) -> Iterator[WorkerFactory]:
    """Start `manage.py worker` processes; all are stopped when the test ends.

    By default a worker serves the ONNX build, as in production;
    ``start(backend="torch")`` serves the .pt checkpoint through ultralytics.
    """
    started: list[subprocess.Popen[str]] = []
    models = {
        "onnx": {"BIRDAI_MODEL_WEIGHTS": str(untrained_onnx), "BIRDAI_MODEL_SHA256": "skip"},
        "torch": {
            "BIRDAI_MODEL_WEIGHTS": str(untrained_weights),
            "BIRDAI_MODEL_SHA256": sha256_of(untrained_weights),
        },
    }

    def start(backend: str = "onnx", **extra_env: str) -> subprocess.Popen[str]:
        env = (
            os.environ
            | models[backend]
            | {
                "DATABASE_URL": database_url_of_tests(),
                "BIRDAI_DATA_DIR": str(isolated_storage),
                "BIRDAI_MODEL_CLASSES": ",".join(CLASSES),
                "BIRDAI_MODEL_DEVICE": "cpu",
                "PYTHONUNBUFFERED": "1",
            }
        )
        log = open(tmp_path / f"worker-{len(started)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--no-startup-delay", "--interval", "0.2"],
            cwd=REPO_ROOT,
            env=env | extra_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in started:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(condition: Callable[[], object], *, timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def page(monkeypatch) -> Iterator[object]:
    """A page in a real headless Chromium (Debian's), closed when the test ends.

    The test fails if the Content-Security-Policy refused anything on the way:
    Chromium says so on the console, "... violates the following Content Security
    Policy directive ...", for an inline script or style, an eval, or a source.
    """
    if not CHROMIUM:
        pytest.skip("Chromium not found: install Debian's chromium or set BIRDAI_CHROMIUM")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django's ORM calls in this
    # test thread are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        new_page = browser.new_page(viewport={"width": 1100, "height": 900})
        refused: list[str] = []
        new_page.on("console", lambda m: refused.append(m.text) if CSP_SAYS in m.text else None)
        yield new_page
        browser.close()
    assert not refused, f"the Content-Security-Policy refused: {refused}"


def log_in(page, base_url: str, username: str) -> None:
    """Log in through the form, as a person does; it lands on their history."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/submissions/")
