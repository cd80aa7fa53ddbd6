"""Classify submissions. Runs in the worker process, where the model lives.

On a GPU one pass through the network costs about the same for one photo as
for eight, so a task also claims other queued submissions and runs them all as
one batch; their own tasks then find them taken and return. On a CPU a batch
only adds work (it pads every photo to the largest), so there it is one photo.
"""

import io
import logging
import uuid
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from PIL import Image

import classifier
from birdai.submissions import storage
from birdai.submissions.models import Detection, Submission
from map.services import sighting_publish

logger = logging.getLogger(__name__)
# Eight photos of up to 640 px fit easily in the memory of any GPU the course uses.
GPU_BATCH_SIZE = 8


def submission_classify(*, submission_id: uuid.UUID) -> None:
    detector = detector_load()
    batch = _claim(submission_id, batch_size=classify_batch_size(detector.device))
    if not batch:
        return  # already finished, or claimed by another worker or batch
    images = {}
    for submission in batch:
        try:
            images[submission.pk] = _open(submission)
        except Exception as error:
            _fail(submission, error)
    ready = [submission for submission in batch if submission.pk in images]
    try:
        runs = detector.detect_batch([images[submission.pk] for submission in ready])
    except Exception as error:
        for submission in ready:
            _fail(submission, error)
        return
    for submission, run in zip(ready, runs, strict=True):
        _finish(submission, status=Submission.Status.DONE, run=run)


def classify_batch_size(device: str) -> int:
    """How many photos one task runs together: BIRDAI_CLASSIFY_BATCH_SIZE, or by device."""
    if settings.CLASSIFY_BATCH_SIZE > 0:
        return int(settings.CLASSIFY_BATCH_SIZE)
    return 1 if device == "cpu" else GPU_BATCH_SIZE


def detector_load() -> classifier.Detector:
    """The model, loaded once per worker process (the worker calls this at start)."""
    return classifier.load_detector(classifier.ModelConfig.from_env())


@transaction.atomic
def _claim(submission_id: uuid.UUID, *, batch_size: int) -> list[Submission]:
    """Take this task's submission and, if it was still pending, up to batch_size - 1 more.

    The claim (pending → processing, attempts + 1) is what makes a submission
    this worker's. The extra ones are locked first, skipping rows another
    worker is claiming at the same moment, so no submission is claimed twice.
    """
    now = timezone.now()
    if not _mark_processing(Submission.objects.pending().filter(pk=submission_id), now):
        return []
    extra = Submission.objects.pending().oldest_first().select_for_update(skip_locked=True)
    extra_ids = list(extra.values_list("pk", flat=True)[: batch_size - 1]) if batch_size > 1 else []
    _mark_processing(Submission.objects.filter(pk__in=extra_ids), now)
    return list(Submission.objects.filter(pk__in=[submission_id, *extra_ids]).oldest_first())


def _mark_processing(submissions: QuerySet[Submission], now: datetime) -> int:
    return submissions.update(
        status=Submission.Status.PROCESSING,
        attempts=F("attempts") + 1,
        started_at=now,
        error="",
    )


def _open(submission: Submission) -> Image.Image:
    return Image.open(io.BytesIO(storage.served_image_open(submission.image.name or "")))


def _fail(submission: Submission, error: Exception) -> None:
    logger.error("Classifying submission %s failed", submission.pk, exc_info=error)
    _finish(submission, status=Submission.Status.FAILED, error=_describe(error))


@transaction.atomic
def _finish(
    submission: Submission,
    *,
    status: str,
    run: classifier.DetectionRun | None = None,
    error: str = "",
) -> None:
    # Only the claim that is still current may write: if this run was taken
    # for dead and queued again, its late result is dropped.
    current = Submission.objects.filter(
        pk=submission.pk, status=Submission.Status.PROCESSING, attempts=submission.attempts
    )
    fields: dict[str, object] = {"status": status, "finished_at": timezone.now(), "error": error}
    if run is not None:
        fields |= {
            "model_name": run.model_name,
            "model_classes": list(run.classes),
            "device": run.device,
            "inference_ms": run.inference_ms,
        }
    if current.update(**fields) and run is not None:
        Detection.objects.bulk_create(_detections(submission, run))
        sighting_publish(submission=submission)  # on the public map, unless private


def _detections(submission: Submission, run: classifier.DetectionRun) -> list[Detection]:
    return [
        Detection(
            submission=submission,
            label=found.label,
            confidence=found.confidence,
            x1=found.box.x1,
            y1=found.box.y1,
            x2=found.box.x2,
            y2=found.box.y2,
        )
        for found in run.detections
    ]


def _describe(error: Exception) -> str:
    if isinstance(error, classifier.ModelError):
        return f"The model is not available: {error}"
    return f"Classification failed: {error.__class__.__name__}: {error}"[:1000]
