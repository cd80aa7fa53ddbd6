"""Reads of the worker registry, for pages that say whether photos will be classified."""

from django.conf import settings

from workers.models import Worker, WorkerQuerySet


def workers_alive() -> WorkerQuerySet:
    """Workers that reported lately: after three missed heartbeats one counts as gone."""
    return Worker.objects.reported_within(3 * settings.WORKER_HEARTBEAT)


def worker_serving_latest() -> Worker | None:
    """The live worker with a working model that reported last; None: photos will wait."""
    return workers_alive().serving().latest_first().first()
