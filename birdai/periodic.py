"""Run small jobs on a timer inside the worker process (e.g. the stale-task sweep).

Each job has its own daemon thread, so a slow one (recounting the map's clusters,
a gossip round waiting on a peer) never delays another (the heartbeat that tells
/readyz this worker is alive). A job runs once at start, then every `seconds`; an
error in a job is logged and its timer carries on.
"""

import logging
import threading
import time
from collections.abc import Callable, Sequence

from django.db import close_old_connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def periodic_jobs_start(jobs: Sequence[tuple[str, int]]) -> list[threading.Thread]:
    threads = [
        threading.Thread(
            target=_loop, args=(import_string(path), seconds), name=f"periodic {path}", daemon=True
        )
        for path, seconds in jobs
    ]
    for thread in threads:
        thread.start()
    return threads


def _loop(job: Callable[[], object], seconds: int) -> None:
    while True:
        started = time.monotonic()
        _run_once(job)
        time.sleep(max(0.1, started + seconds - time.monotonic()))


def _run_once(job: Callable[[], object]) -> None:
    try:
        job()
    except Exception:
        logger.exception("Periodic job %s failed", getattr(job, "__name__", job))
    finally:
        close_old_connections()  # each thread has its own connection: keep it healthy
