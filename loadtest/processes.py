"""The processes of the loopback stack: start them, wait for them, stop every one.

Each runs in its own session (process group), so stopping it stops what it started
too (gunicorn's workers); nothing here ever signals a process it did not start.
"""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


class StackError(RuntimeError):
    """The stack could not be brought up; the message says which part and why."""


def free_port() -> int:
    """A port nobody listens on at 127.0.0.1 now (the kernel picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Processes:
    """The stack's long-running processes, by name, each logging to its own file."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, command: list[str], env: dict[str, str]) -> int:
        log = (self.log_dir / f"{name}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603 - our own commands, no shell
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.running[name] = process
        return process.pid

    def pids(self) -> dict[str, int]:
        return {name: process.pid for name, process in self.running.items()}

    def wait_for(self, name: str, *, timeout_s: float) -> None:
        """Until `name` exits, checking every second that the others still run."""
        process, deadline = self.running[name], time.monotonic() + timeout_s
        while process.poll() is None:
            if time.monotonic() > deadline:
                raise StackError(f"{name} ran longer than {timeout_s:.0f} s")
            self.check_alive()
            time.sleep(1)
        if process.returncode != 0:
            self.check_alive()  # raises with the end of its log

    def check_alive(self) -> None:
        for name, process in self.running.items():
            if process.poll() is not None:
                tail = (self.log_dir / f"{name}.log").read_text(errors="replace")[-1500:]
                raise StackError(f"{name} exited with status {process.returncode}:\n{tail}")

    def stop_all(self, grace_s: float = 10.0) -> None:
        """SIGTERM every group, then SIGKILL what is still there after grace_s."""
        for process in self.running.values():
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        for process in self.running.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=5)
        self.running.clear()


def wait_until(what: str, ready: Callable[[], bool], *, timeout_s: float, alive: Processes) -> None:
    """Call ready() every half second until it is true; StackError after timeout_s."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        alive.check_alive()
        if ready():
            return
        time.sleep(0.5)
    raise StackError(f"{what} was not ready within {timeout_s:.0f} s")


def answers_200(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def run(
    command: list[str], env: dict[str, str], *, timeout_s: float, stdin: str | None = None
) -> str:
    """Run a set-up step to its end; its output, or StackError with the end of it."""
    try:
        done = subprocess.run(  # noqa: S603 - our own commands, no shell
            command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout_s,
            input=stdin, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired as error:
        raise StackError(f"{' '.join(command)} took more than {timeout_s:.0f} s") from error
    if done.returncode != 0:
        raise StackError(f"{' '.join(command)} failed:\n{(done.stdout + done.stderr)[-1500:]}")
    return done.stdout


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
            os.killpg(process.pid, signum)  # its own group: start_new_session above
