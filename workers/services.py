"""Writes to the worker registry. Every function runs inside a worker process."""

import os
import socket
from datetime import timedelta

from django.utils import timezone

import classifier
from submissions.classification import classify_batch_size
from workers.models import Worker

# A row not refreshed for a day belongs to a worker that died without a word.
FORGET_AFTER = timedelta(days=1)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:255]


def worker_heartbeat() -> Worker:
    """Report this worker alive with its model; the worker runs this on a timer."""
    detector = classifier.load_detector_from_env()  # loaded at start, so this is cheap
    worker, _ = Worker.objects.update_or_create(
        name=worker_name(),
        defaults={
            "last_seen_at": timezone.now(),
            "model": detector.describe(),
            "batch_size": classify_batch_size(detector.device),
            "error": "",
        },
    )
    Worker.objects.filter(last_seen_at__lt=timezone.now() - FORGET_AFTER).delete()
    return worker


def worker_failed(*, error: str) -> Worker:
    """Record why this worker cannot start, so /readyz can say it."""
    worker, _ = Worker.objects.update_or_create(
        name=worker_name(),
        defaults={"last_seen_at": timezone.now(), "model": {}, "error": error[:2000]},
    )
    return worker


def worker_stopped() -> None:
    """A worker that exits cleanly leaves the registry at once."""
    Worker.objects.filter(name=worker_name()).delete()
