import uuid
from datetime import timedelta
from typing import Self

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.db import models
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone


def _originals_storage():  # type: ignore[no-untyped-def]
    # A callable, so migrations record this function, not one deployment's storage
    # settings. Django calls it once, when the model loads: code that must follow a
    # storage swapped later (tests) asks storages["originals"] itself.
    return storages["originals"]


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def owned_by(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        return self.filter(owner=user)

    def newest_first(self) -> Self:
        return self.order_by("-created_at", "-id")

    def oldest_first(self) -> Self:
        """In the order they were queued: the first come is the first classified."""
        return self.order_by("queued_at", "created_at", "id")

    def pending(self) -> Self:
        return self.filter(status=Submission.Status.PENDING)

    def on_map(self) -> Self:
        """Classified and with a position: on its owner's map, whatever its geoprivacy."""
        return self.filter(status=Submission.Status.DONE, location__isnull=False)

    def stuck_processing(self, *, timeout: int) -> Self:
        """Processing for longer than ``timeout`` seconds: its worker has died."""
        cutoff = timezone.now() - timedelta(seconds=timeout)
        return self.filter(status=Submission.Status.PROCESSING, started_at__lt=cutoff)

    def long_pending(self, *, timeout: int) -> Self:
        """Queued longer than ``timeout`` seconds ago: worth checking its task."""
        cutoff = timezone.now() - timedelta(seconds=timeout)
        return self.filter(status=Submission.Status.PENDING, queued_at__lt=cutoff)


class Submission(models.Model):
    """One uploaded photo and the outcome of classifying it."""

    class Status(models.TextChoices):
        PENDING = "pending"
        PROCESSING = "processing"
        DONE = "done"
        FAILED = "failed"

    class Geoprivacy(models.TextChoices):
        """Who sees where the photo was taken; the owner always sees the true position."""

        OPEN = "open", "Open: others see the exact position"
        OBSCURED = "obscured", "Obscured: others see a random point in the same 0.2° square"
        PRIVATE = "private", "Private: only you see it; never shared"

    # UUIDs, not counters: ids appear in URLs and must not be guessable.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    original_name = models.CharField(max_length=255)
    original = models.FileField(storage=_originals_storage, max_length=255)
    # The served copies: "" until the worker has made them (submissions.classification).
    image = models.FileField(max_length=255, blank=True)
    thumbnail = models.FileField(max_length=255, blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    location = models.PointField(srid=4326, null=True, blank=True)
    altitude_m = models.FloatField(null=True, blank=True)
    location_accuracy_m = models.FloatField(null=True, blank=True)  # GPS error radius
    geoprivacy = models.CharField(
        max_length=16, choices=Geoprivacy.choices, default=Geoprivacy.OBSCURED
    )
    captured_at = models.DateTimeField(null=True, blank=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    task_id = models.CharField(max_length=64, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    model_name = models.CharField(max_length=100, blank=True)
    model_classes = models.JSONField(default=list, blank=True)
    device = models.CharField(max_length=32, blank=True)
    precision = models.CharField(max_length=8, blank=True)  # fp32, int8 or bf16: what served it
    inference_ms = models.FloatField(null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["status", "started_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("submissions:detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class Detection(models.Model):
    """An object the classifier found; the box is in pixels of the served image."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="detections")
    label = models.CharField(max_length=64)
    confidence = models.FloatField()
    x1 = models.FloatField()
    y1 = models.FloatField()
    x2 = models.FloatField()
    y2 = models.FloatField()

    class Meta:
        ordering = ["-confidence"]

    def __str__(self) -> str:
        return f"{self.label} {self.confidence:.2f}"

    def box_percent(self) -> dict[str, float]:
        """The box as percentages of the image, for drawing it over any display size."""
        width, height = self.submission.width, self.submission.height
        return {
            "left": 100 * self.x1 / width,
            "top": 100 * self.y1 / height,
            "width": 100 * (self.x2 - self.x1) / width,
            "height": 100 * (self.y2 - self.y1) / height,
        }


class PublicChange(models.Model):
    """The outbox: a submission changed in a way the public may see.

    Written in the same transaction as the change (classified, geoprivacy changed,
    deleted), so none is ever lost. This app never calls the apps that show
    submissions to the public (they sit above it); gossip.sharing consumes these
    rows: it updates the map's Sighting and this node's gossip record, then deletes
    the row. The worker does that every BIRDAI_PUBLISH_INTERVAL seconds.
    """

    # Not a foreign key: a deleted submission's change must outlive its row.
    submission_id = models.UUIDField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"change of {self.submission_id} at {self.created_at:%Y-%m-%d %H:%M:%S}"
