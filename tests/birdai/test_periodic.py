"""The worker's timers: each job on its own thread, so a slow one delays no other."""

import threading
import time

from birdai.periodic import periodic_jobs_start

fast_runs: list[float] = []
slow_started = threading.Event()
release_slow = threading.Event()


def fast_job() -> None:
    fast_runs.append(time.monotonic())


def slow_job() -> None:
    slow_started.set()
    release_slow.wait(timeout=10)  # a long recount, say


def failing_job() -> None:
    raise RuntimeError("a job that always fails")


def test_a_slow_or_failing_job_does_not_hold_up_the_others():
    # By this module's own name, so the jobs are these very functions and events.
    periodic_jobs_start(
        [
            (f"{__name__}.slow_job", 60),
            (f"{__name__}.failing_job", 1),
            (f"{__name__}.fast_job", 1),
        ]
    )
    try:
        assert slow_started.wait(timeout=5)
        deadline = time.monotonic() + 5
        while len(fast_runs) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(fast_runs) >= 3, "the fast job kept its timer while the slow one ran"
        assert 0.9 < fast_runs[1] - fast_runs[0] < 1.5
    finally:
        release_slow.set()
