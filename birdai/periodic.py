"""Run small jobs on a timer inside the worker process (e.g. the stale-task sweep).

Kept deliberately simple: one daemon thread, jobs run one after another, an
error in a job is logged and the timer carries on.
"""

import logging
import threading
import time
from collections.abc import Callable, Sequence

from django.db import close_old_connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def periodic_jobs_start(jobs: Sequence[tuple[str, int]]) -> threading.Thread:
    loaded = [(import_string(path), seconds) for path, seconds in jobs]
    thread = threading.Thread(target=_loop, args=(loaded,), name="periodic-jobs", daemon=True)
    thread.start()
    return thread


def _loop(jobs: list[tuple[Callable[[], object], int]]) -> None:
    next_run = [0.0] * len(jobs)
    while True:
        now = time.monotonic()
        for index, (job, seconds) in enumerate(jobs):
            if now >= next_run[index]:
                _run_once(job)
                next_run[index] = now + seconds
        time.sleep(max(0.1, min(next_run) - time.monotonic()))


def _run_once(job: Callable[[], object]) -> None:
    try:
        job()
    except Exception:
        logger.exception("Periodic job %s failed", getattr(job, "__name__", job))
    finally:
        close_old_connections()
