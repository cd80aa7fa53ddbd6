from datetime import timedelta
from typing import Self

from django.db import models
from django.utils import timezone


class WorkerQuerySet(models.QuerySet["Worker"]):
    def reported_within(self, seconds: float) -> Self:
        return self.filter(last_seen_at__gte=timezone.now() - timedelta(seconds=seconds))

    def serving(self) -> Self:
        """Workers that loaded their model and run tasks."""
        return self.filter(error="")

    def failed(self) -> Self:
        """Workers that could not load their model, and said why before exiting."""
        return self.exclude(error="")

    def latest_first(self) -> Self:
        return self.order_by("-last_seen_at")


class Worker(models.Model):
    """A `manage.py worker` process, as it last reported itself.

    The web tier never loads the model, so this is how /readyz learns whether
    some worker can classify, and with which model, backend and device.
    """

    name = models.CharField(max_length=255, unique=True)  # host:pid
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Detector.describe(): model, backend, device, classes, ... (empty if it failed).
    model = models.JSONField(default=dict, blank=True)
    batch_size = models.PositiveSmallIntegerField(default=1)
    error = models.TextField(blank=True)  # why it could not start; empty while serving

    objects = WorkerQuerySet.as_manager()

    def __str__(self) -> str:
        return self.name
