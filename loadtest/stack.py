"""`make loadtest`: bird.ai's N-tier stack on loopback, loaded by locust, then torn down.

    python -m loadtest.stack [--profile full|api|ci|soak] [--config tuned|defaults]

haproxy → two gunicorn app servers → a PostGIS cluster of its own (in a temporary
folder, on a port of its own: the developer's cluster is never touched), and one
worker serving the untrained YOLO-World-L. It seeds accounts and sightings
(bench/map.sql, through `python -m bench.map`), runs locust, and stops everything,
also when a step fails or the run is interrupted. The summary ends in one JSON
line; the exit code is 0 only if check.py passed the run and the web tier stayed
under WEB_RSS_LIMIT_MB (it never loads the model).
"""

import argparse
import json
import resource
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from loadtest import summary
from loadtest.processes import REPO_ROOT, StackError
from loadtest.sampler import Sampler
from loadtest.topology import Topology

# (users, seconds, user classes); every profile seeds the same 100,000 sightings.
PROFILES = {
    "full": (100, 60, ["Visitor", "ApiClient"]),
    "api": (100, 60, ["ApiClient"]),
    "ci": (20, 20, ["Visitor", "ApiClient"]),
    "soak": (30, 600, ["Visitor", "ApiClient"]),
}
# One step in a hundred uploads; the short CI run would see none, so there one in twenty.
UPLOAD_SHARE = {"ci": 0.05}
# gunicorn as it comes (one sync worker a server) against what docs/benchmarks.md chose.
CONFIGS = {
    "defaults": {"gunicorn": "defaults", "haproxy": "ca3", "worker_threads": 0, "worker_nice": 0},
    "tuned": {
        "gunicorn": "2x4",
        "haproxy": "queue",
        "worker_threads": 1,
        "worker_nice": 0,
        "worker_idle": True,
    },
}
# What --gunicorn … --max-backlog may change of a config.
SETTINGS = (
    "gunicorn",
    "haproxy",
    "worker_threads",
    "worker_nice",
    "worker_idle",
    "conn_max_age",
    "max_backlog",
    "upload_share",
)
WEB_RSS_LIMIT_MB = 200
SET_UP_BUDGET_S = 420  # a fresh cluster, migrations, seeding, the model loading


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    users, run_s, classes = PROFILES[args.profile]
    users, run_s = args.users or users, args.run_time or run_s
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out = REPO_ROOT / "test-artifacts" / "loadtest" / f"{args.profile}-{args.config}-{stamp}"
    out.mkdir(parents=True)
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGALRM, _too_long)
    signal.alarm(SET_UP_BUDGET_S + run_s + 180)  # bounded, whatever hangs
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    with tempfile.TemporaryDirectory(prefix="birdai-loadtest-", dir="/var/tmp") as tmp:
        Path(tmp).chmod(0o755)  # the cluster's user (when we are root) must get in
        stack = Topology(Path(tmp), out, rows=args.rows, **_settings(args))
        try:
            print(f"loadtest: bringing up the stack in {tmp} (logs: {out})", flush=True)
            stack.up()
            sampler = Sampler(stack.roles(), stack.queue_depth)
            sampler.start()
            started, children_before = time.time(), _children_cpu_s()
            stack.locust_start(users=users, run_s=run_s, classes=[*args.locust_args, *classes])
            stack.locust_wait(timeout_s=run_s + 90)
            ended = time.time()
            samples = sampler.stop()
            # locust is the only child that ends meanwhile: what the kernel adds for it.
            samples.cpu_end["locust"] = _children_cpu_s() - children_before
            samples.cpu_start["locust"] = 0.0
            images = stack.classified_between(started, ended)
        finally:
            stack.down()
    figures = summary.build(
        out / "run_stats.csv", samples, images=images, run_s=ended - started,
        context={"profile": args.profile, "config": args.config, "users": users,
                 "load_before": load_before, **_settings(args)},
        web_rss_limit_mb=WEB_RSS_LIMIT_MB,
    )  # fmt: skip
    (out / "summary.json").write_text(json.dumps(figures, indent=2))
    print(summary.text(figures))
    print(json.dumps(summary.headline(figures)))
    return 0 if figures["passed"] else 1


def _settings(args: argparse.Namespace) -> dict[str, object]:
    chosen = dict(CONFIGS[args.config])
    for name in SETTINGS:
        if getattr(args, name) is not None:
            chosen[name] = getattr(args, name)
    chosen.setdefault("conn_max_age", 60)  # the app's defaults: BIRDAI_DB_CONN_MAX_AGE,
    chosen.setdefault("max_backlog", 200)  # BIRDAI_MAX_BACKLOG
    chosen.setdefault("upload_share", UPLOAD_SHARE.get(args.profile, 0.01))
    return chosen


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=PROFILES, default="full")
    parser.add_argument("--config", choices=CONFIGS, default="tuned")
    parser.add_argument("--users", type=int, help="instead of the profile's")
    parser.add_argument("--run-time", type=int, help="seconds, instead of the profile's")
    parser.add_argument("--rows", type=int, default=100_000, help="sightings to seed")
    parser.add_argument("--gunicorn", help='"defaults" or WORKERSxTHREADS, e.g. 2x8 (gthread)')
    parser.add_argument("--haproxy", choices=["ca3", "queue"], help="CA3's balancing or a queue")
    parser.add_argument("--worker-threads", type=int, help="BIRDAI_MODEL_THREADS (0: a core each)")
    parser.add_argument("--worker-nice", type=int, help="the worker's nice value")
    parser.add_argument(
        "--worker-idle", action="store_true", default=None, help="run the worker SCHED_IDLE"
    )
    parser.add_argument("--conn-max-age", type=int, help="BIRDAI_DB_CONN_MAX_AGE")
    parser.add_argument("--max-backlog", type=int, help="BIRDAI_MAX_BACKLOG (backpressure)")
    parser.add_argument("--upload-share", type=float, help="locust's: steps that upload")
    parser.add_argument("locust_args", nargs="*", help="after --: more options for locust")
    return parser.parse_args(argv)


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _interrupted(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally above: all stopped


def _too_long(signum: int, frame: FrameType | None) -> None:
    raise StackError("the load test took longer than its time bound")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except StackError as error:
        print(f"loadtest: error: {error}", file=sys.stderr)
        sys.exit(2)
