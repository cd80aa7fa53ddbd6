"""Real bird.ai instances on loopback, each with its own database, port and data folder.

Each runs exactly as deployed: gunicorn (with TLS, from the throw-away CA) and
`manage.py worker`, whose periodic job runs the gossip rounds. The test talks to
them over HTTPS only, like a browser or a peer would.
"""

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from tests.conftest import CLASSES, REPO_ROOT
from tests.gossip.tls import Certificates

STOP_TIMEOUT = 20  # seconds a process gets to stop on SIGTERM before it is killed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until[T](check: Callable[[], T], *, timeout: float, what: str) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if result := check():
                return result
        except OSError:
            pass  # not up yet
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@dataclass
class Databases:
    """Creates and drops databases on the cluster the tests use (postgres://user@host:port)."""

    server: str
    made: list[str] = field(default_factory=list)

    def create(self, name: str, template: str | None = None) -> str:
        self.drop(name)
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as admin:
            copied = f" TEMPLATE {template}" if template else ""
            admin.execute(f"CREATE DATABASE {name}{copied}")  # names made in code, not input
        self.made.append(name)
        return f"{self.server}/{name}"

    def drop(self, name: str) -> None:
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def drop_all(self) -> None:
        for name in self.made:
            self.drop(name)


@dataclass
class Instance:
    name: str
    port: int
    env: dict[str, str]
    folder: Path  # its BIRDAI_DATA_DIR, and its processes' logs
    certificates: Certificates
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.tls = ssl.create_default_context(cafile=self.certificates.ca)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def migrate(self) -> None:
        command = [sys.executable, "manage.py", "migrate", "--no-input", "-v0"]
        done = subprocess.run(
            command, cwd=REPO_ROOT, env=self.env, capture_output=True, timeout=300
        )
        assert done.returncode == 0, done.stderr.decode()[-2000:]

    def start(self) -> None:
        web = [
            *(sys.executable, "-m", "gunicorn", "birdai.wsgi"),
            *("--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "4"),
            *("--certfile", str(self.certificates.cert), "--keyfile", str(self.certificates.key)),
        ]
        worker = [sys.executable, "manage.py", "worker", "--no-startup-delay", "--interval", "0.2"]
        self.processes = [self._run("web", web), self._run("worker", worker)]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []

    def call(self, path: str, body: bytes | None = None, **headers: str) -> dict:
        method = headers.pop("method", "POST" if body is not None else "GET")
        request = urllib.request.Request(self.url + path, body, headers, method=method)
        with urllib.request.urlopen(request, timeout=10, context=self.tls) as answer:
            return json.loads(answer.read())

    def sightings(self) -> dict[str, str | None]:
        """The map's sightings, everywhere: {id: origin (None for this node's own)}."""
        answer = self.call("/api/v1/sightings?bbox=-180,-90,180,90&zoom=14&limit=1000")
        return {f["id"]: f["properties"]["origin"] for f in answer["features"]}

    def log_tail(self) -> str:
        return "".join(
            f"--- {self.name} {kind} ---\n" + (self.folder / f"{kind}.log").read_text()[-3000:]
            for kind in ("web", "worker")
            if (self.folder / f"{kind}.log").exists()
        )

    def _run(self, kind: str, command: list[str]) -> subprocess.Popen[bytes]:
        log = open(self.folder / f"{kind}.log", "ab")  # noqa: SIM115 (the process keeps it)
        return subprocess.Popen(
            command, cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )


def instance_env(
    *, database_url: str, folder: Path, port: int, model: Path, ca: Path, seeds: list[str]
) -> dict[str, str]:
    """A deployment's settings, as its environment: gossip on, peers on loopback allowed."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BIRDAI_")}
    return clean | {
        "DATABASE_URL": database_url,
        "BIRDAI_DATA_DIR": str(folder),
        "BIRDAI_SECRET_KEY": f"tests-only-{uuid.uuid4()}",
        "BIRDAI_HTTPS": "0",  # TLS is gunicorn's here; no redirects or HSTS needed
        "BIRDAI_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BIRDAI_MODEL_WEIGHTS": str(model),
        "BIRDAI_MODEL_SHA256": "skip",
        "BIRDAI_MODEL_CLASSES": ",".join(CLASSES),
        "BIRDAI_MODEL_DEVICE": "cpu",
        "BIRDAI_MODEL_THREADS": "1",  # four workers share this machine's cores
        "BIRDAI_GOSSIP_BASE_URL": f"https://127.0.0.1:{port}",
        "BIRDAI_GOSSIP_SEEDS": ",".join(seeds),
        "BIRDAI_GOSSIP_CA_BUNDLE": str(ca),
        "BIRDAI_GOSSIP_INTERVAL": "1",
        "BIRDAI_GOSSIP_ALLOW_PRIVATE": "1",
        "BIRDAI_GOSSIP_TIMEOUT": "3",
        "BIRDAI_GOSSIP_RATE": "100000",  # all four share one address, 127.0.0.1
        "PYTHONUNBUFFERED": "1",
    }


def multipart(fields: dict[str, str], photo: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with `fields` and a JPEG named `image`."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; '
        f'filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
        + photo
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
