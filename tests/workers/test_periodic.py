"""The worker's timers: each job on its own thread, so a slow one delays no other."""

import threading

from workers.periodic import periodic_jobs_start


def test_a_slow_or_failing_job_does_not_hold_up_the_others():
    slow_started, release_slow = threading.Event(), threading.Event()
    fast_ran = threading.Semaphore(0)
    failing_ran = threading.Event()

    def slow_job() -> None:
        slow_started.set()
        release_slow.wait(timeout=10)  # a long recount, say

    def failing_job() -> None:
        failing_ran.set()
        raise RuntimeError("a job that always fails")

    stop = periodic_jobs_start(
        [(slow_job, 60), (failing_job, 0.1), (fast_job := fast_ran.release, 0.1)]
    )
    try:
        assert slow_started.wait(timeout=5)
        assert failing_ran.wait(timeout=5)
        failing_ran.clear()
        # While the slow job still runs, the fast one keeps its timer: three runs...
        assert all(fast_ran.acquire(timeout=5) for _ in range(3)), f"{fast_job} stalled"
        # ...and the failing one runs again: an error does not end its timer.
        assert failing_ran.wait(timeout=5)
        assert not release_slow.is_set()
    finally:
        stop.set()
        release_slow.set()


def test_setting_the_stop_event_ends_every_timer():
    runs = threading.Semaphore(0)
    stop = periodic_jobs_start([(runs.release, 0.05)])
    assert runs.acquire(timeout=5)
    stop.set()
    threads = [t for t in threading.enumerate() if t.name.startswith("periodic ")]
    for thread in threads:
        thread.join(timeout=5)
    assert not any(thread.is_alive() for thread in threads)
