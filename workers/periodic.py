"""Run small jobs on a timer inside the worker process (e.g. the stale-task sweep).

Each job has its own daemon thread, so a slow one (recounting the map's clusters,
a gossip round waiting on a peer) never delays another (the heartbeat that tells
/readyz this worker is alive). A job runs once at start, then every `seconds`; an
error in a job is logged and its timer carries on. Setting the returned event
stops every timer after the run in progress (tests; the worker's exit).
"""

import logging
import threading
import time
from collections.abc import Callable, Sequence

from django.db import close_old_connections

logger = logging.getLogger(__name__)

type Job = Callable[[], object]


def periodic_jobs_start(jobs: Sequence[tuple[Job, float]]) -> threading.Event:
    stop = threading.Event()
    for job, seconds in jobs:
        name = f"periodic {getattr(job, '__qualname__', job)}"
        threading.Thread(target=_loop, args=(job, seconds, stop), name=name, daemon=True).start()
    return stop


def _loop(job: Job, seconds: float, stop: threading.Event) -> None:
    while not stop.is_set():
        started = time.monotonic()
        _run_once(job)
        stop.wait(max(0.1, started + seconds - time.monotonic()))


def _run_once(job: Job) -> None:
    try:
        job()
    except Exception:
        logger.exception("Periodic job %s failed", getattr(job, "__name__", job))
    finally:
        close_old_connections()  # each thread has its own connection: keep it healthy
