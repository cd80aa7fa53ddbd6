"""What runs where in the loopback stack, and the order it comes up and goes down in."""

import os
import secrets
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import psycopg

from loadtest.processes import (
    REPO_ROOT,
    Processes,
    StackError,
    answers_200,
    free_port,
    run,
    wait_until,
)

PY = sys.executable  # the app's virtualenv: this runs as .venv/bin/python -m loadtest.stack
LOCUST = str(REPO_ROOT / ".venv-loadtest" / "bin" / "locust")  # make loadtest-venv
MODEL = "models/yolov8l-worldv2-untrained.onnx"  # make model-untrained
# Of bench/map.sql's 1000 accounts (100 photos each), these get a session and a token.
RETURNING_ACCOUNTS = 300
READY_TIMEOUT_S = 180
WARM_UP_PATHS = [
    "/",
    "/accounts/login/",
    "/map/",
    "/api/v1/openapi.json",
    "/api/v1/sightings?bbox=-180,-85,180,85&zoom=2",
    "/api/v1/sightings?bbox=-0.5,51.3,0.3,51.7&zoom=13",
]


class Topology:
    def __init__(self, tmp: Path, out: Path, *, rows: int, **settings: object) -> None:
        self.tmp, self.out, self.rows, self.settings = tmp, out, rows, settings
        self.ports = {name: free_port() for name in ("pg", "haproxy", "app1", "app2")}
        self.password = f"load-{secrets.token_urlsafe(12)}"
        self.accounts = tmp / "accounts.json"  # passwords, sessions, tokens: gone with tmp
        self.processes = Processes(out)
        self.db_url = f"postgres://birdai@127.0.0.1:{self.ports['pg']}/birdai"
        self.env = self._env()
        self.db: psycopg.Connection | None = None

    def up(self) -> None:
        if not (REPO_ROOT / MODEL).is_file():
            raise StackError(f"{MODEL} is missing: make model-untrained")
        run(["scripts/pg-local", "start"], self.env, timeout_s=120)
        run([PY, "manage.py", "migrate", "--no-input", "-v0"], self.env, timeout_s=180)
        run([PY, "manage.py", "collectstatic", "--no-input", "-v0"], self.env, timeout_s=120)
        self._seed()
        nice = ["nice", "-n", str(self.settings["worker_nice"])]
        if self.settings.get("worker_idle"):
            nice = ["chrt", "--idle", "0"]  # SCHED_IDLE: only CPU time nobody else wants
        self.processes.start("worker", [*nice, PY, "manage.py", "worker"], self.env)
        for app in ("app1", "app2"):
            self.processes.start(app, self._gunicorn(self.ports[app]), self.env)
        for app in ("app1", "app2"):  # ready = database, storage, and the worker's model
            url = f"http://127.0.0.1:{self.ports[app]}/readyz"
            ready = partial(answers_200, url)
            wait_until(app, ready, timeout_s=READY_TIMEOUT_S, alive=self.processes)
        self.processes.start("haproxy", ["haproxy", "-db", "-f", "loadtest/haproxy.cfg"], self.env)
        url = f"http://127.0.0.1:{self.ports['haproxy']}/readyz"
        wait_until("haproxy", lambda: answers_200(url), timeout_s=30, alive=self.processes)
        self._warm_up()
        self.db = psycopg.connect(self.db_url, autocommit=True)

    def _warm_up(self) -> None:
        """A few requests to every process first, as a deployed site has had: the first
        request of a process imports the views, compiles templates and regexes, builds
        the API schema, and would be timed as if the site were that slow."""
        urls = [
            f"http://127.0.0.1:{self.ports[app]}{path}"
            for app in ("app1", "app2")
            for path in WARM_UP_PATHS
            for _ in range(16)
        ]
        # Sixteen at a time, so that every process of a server gets some, not one alone.
        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(answers_200, urls))

    def roles(self) -> dict[str, list[int]]:
        pids = self.processes.pids()
        postmaster = (self.tmp / "postgres" / "postmaster.pid").read_text().split()[0]
        return {
            "web": [pids["app1"], pids["app2"]],
            "worker": [pids["worker"]],
            "postgres": [int(postmaster)],
            "haproxy": [pids["haproxy"]],
        }

    def queue_depth(self) -> int:
        assert self.db is not None
        row = self.db.execute(
            "SELECT count(*) FROM submissions_submission WHERE status IN ('pending', 'processing')"
        ).fetchone()
        return int(row[0]) if row else 0

    def classified_between(self, started: float, ended: float) -> int:
        assert self.db is not None
        window = [datetime.fromtimestamp(t, UTC) for t in (started, ended)]
        row = self.db.execute(
            "SELECT count(*) FROM submissions_submission WHERE finished_at BETWEEN %s AND %s",
            window,
        ).fetchone()
        return int(row[0]) if row else 0

    def locust_start(self, *, users: int, run_s: int, classes: list[str]) -> None:
        spawn_rate = max(1, users // 10)  # everyone in within the first 10 s
        command = [
            LOCUST, "--config", "loadtest/locust.conf",
            "--host", f"http://127.0.0.1:{self.ports['haproxy']}",
            "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{run_s}s",
            "--csv", str(self.out / "run"), "--html", str(self.out / "report.html"),
            "--accounts", str(self.accounts),
            "--upload-share", str(self.settings["upload_share"]), *classes,
        ]  # fmt: skip
        print(f"loadtest: {users} users for {run_s} s ({' '.join(classes)})", flush=True)
        self.processes.start("locust", command, self.env)

    def locust_wait(self, *, timeout_s: float) -> None:
        """Until locust has finished; StackError if it fails or any tier died meanwhile."""
        self.processes.wait_for("locust", timeout_s=timeout_s)

    def down(self) -> None:
        if self.db is not None:
            self.db.close()
        self.processes.stop_all()
        run(["scripts/pg-local", "stop"], self.env, timeout_s=60)

    def _seed(self) -> None:
        """bench/map.sql's users and sightings; then passwords, sessions and tokens."""
        seed = [PY, "-m", "bench.map", "--rows", str(self.rows), "--requests", "2"]
        (self.out / "seed.log").write_text(
            run([*seed, "--database", "birdai"], self.env, timeout_s=300)
        )
        make = [PY, "-m", "loadtest.credentials", "--count", str(RETURNING_ACCOUNTS)]
        env = self.env | {"LOADTEST_PASSWORD": self.password}
        run([*make, "--out", str(self.accounts)], env, timeout_s=120)

    def _gunicorn(self, port: int) -> list[str]:
        command = [f"{Path(PY).parent}/gunicorn", "birdai.wsgi", "--bind", f"127.0.0.1:{port}"]
        shape = str(self.settings["gunicorn"])
        if shape != "defaults":
            workers, threads = shape.split("x")
            command += ["--workers", workers, "--worker-class", "gthread", "--threads", threads]
        return [*command, "--no-control-socket"]

    def _balancing(self) -> dict[str, str]:
        """haproxy.cfg's balance and per-server limit: CA3's, or one queue at haproxy."""
        if self.settings["haproxy"] == "ca3" or self.settings["gunicorn"] == "defaults":
            return {"LOADTEST_BALANCE": "roundrobin", "LOADTEST_SERVER_MAXCONN": "0"}
        workers, threads = str(self.settings["gunicorn"]).split("x")
        slots = str(int(workers) * int(threads))
        return {"LOADTEST_BALANCE": "leastconn", "LOADTEST_SERVER_MAXCONN": slots}

    def _env(self) -> dict[str, str]:
        # Nothing of the caller's bird.ai settings: every run is the same stack.
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("BIRDAI_", "GUNICORN_")) and name != "DATABASE_URL"
        }
        return env | {
            # Named, not left to the default, for every command alike: python -m bench.map
            # reads DATABASE_URL itself, and must fill this cluster, never the developer's.
            "DATABASE_URL": self.db_url,
            "BIRDAI_PG_PORT": str(self.ports["pg"]),
            "BIRDAI_PG_DATA": str(self.tmp / "postgres"),
            "BIRDAI_DATA_DIR": str(self.tmp / "data"),
            "BIRDAI_SECRET_KEY": secrets.token_urlsafe(32),
            "BIRDAI_DEBUG": "0",
            "BIRDAI_HTTPS": "0",
            "BIRDAI_BEHIND_PROXY": "1",
            "BIRDAI_LOG_LEVEL": "WARNING",
            "BIRDAI_DB_CONN_MAX_AGE": str(self.settings["conn_max_age"]),
            "BIRDAI_MAX_BACKLOG": str(self.settings["max_backlog"]),
            # Every simulated user comes from 127.0.0.1: the per-address rate limits
            # (birdai/ratelimit.py) would stop the sign-ups and logins, not a flood.
            **{f"BIRDAI_RATE_{kind}": "0" for kind in ("LOGIN", "SIGNUP", "TOKEN", "UPLOAD")},
            "BIRDAI_MODEL_WEIGHTS": MODEL,
            "BIRDAI_MODEL_DEVICE": "cpu",
            "BIRDAI_MODEL_THREADS": str(self.settings["worker_threads"]),
            "YOLO_OFFLINE": "1",
            **self._balancing(),
            "LOADTEST_HAPROXY_PORT": str(self.ports["haproxy"]),
            "LOADTEST_APP1_PORT": str(self.ports["app1"]),
            "LOADTEST_APP2_PORT": str(self.ports["app2"]),
        }
