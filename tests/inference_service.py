"""The inference service as a real process (`python -m classifier serve`), for tests.

`start_inference(model, **env)` starts one on a free loopback port, waits until
/readyz says the model is loaded, and every one started is stopped when the
test ends. `InferenceService.stop()` and `.start()` take it down and bring it
back on the same port (an outage). tests/conftest.py registers the fixture.
"""

import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from classifier import Detection
from tests.conftest import CLASSES, REPO_ROOT


def assert_same_detections(got: list[Detection], want: list[Detection]) -> None:
    """The same detections, best first: labels equal, boxes and scores within 1e-4."""
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        assert a.label == b.label
        assert a.confidence == pytest.approx(b.confidence, abs=1e-4)
        assert dataclasses.astuple(a.box) == pytest.approx(dataclasses.astuple(b.box), abs=1e-4)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get_json(url: str, timeout: float = 5) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


class InferenceService:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *, ready_within: float = 90) -> "InferenceService":
        command = [sys.executable, "-m", "classifier", "serve", "--port", str(self.port)]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + ready_within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the inference service exited:\n{self.log.read_text()}")
            try:
                if get_json(f"{self.url}/readyz", timeout=1)[0] == 200:
                    return self
            except OSError:  # not listening yet
                pass
            time.sleep(0.1)
        raise AssertionError(f"not ready within {ready_within} s:\n{self.log.read_text()}")

    def readyz(self) -> dict[str, Any]:
        return get_json(f"{self.url}/readyz")[1]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """SIGKILL: the service dies at once, in the middle of whatever it was doing."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def service_env(model: Path, **env: str) -> dict[str, str]:
    """The environment of a service that serves `model` on the CPU."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BIRDAI_")}
    return clean | {
        "BIRDAI_MODEL_WEIGHTS": str(model),
        "BIRDAI_MODEL_CLASSES": ",".join(CLASSES),
        "BIRDAI_MODEL_DEVICE": "cpu",
        "BIRDAI_MODEL_SHA256": "skip",  # the manifest still checks the file
        "PYTHONUNBUFFERED": "1",
        **env,
    }


@pytest.fixture
def start_inference(tmp_path: Path) -> Iterator[Callable[..., InferenceService]]:
    started: list[InferenceService] = []

    def start(model: Path, **env: str) -> InferenceService:
        service = InferenceService(
            service_env(model, **env), tmp_path / f"inference-{len(started)}.log"
        )
        started.append(service)
        return service.start()

    yield start
    for service in started:
        service.stop()
