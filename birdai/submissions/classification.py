"""Classify one submission. Runs in the worker process, where the model lives."""

import io
import logging
import uuid

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image

import classifier
from birdai.submissions import storage
from birdai.submissions.models import Detection, Submission

logger = logging.getLogger(__name__)


def submission_classify(*, submission_id: uuid.UUID) -> None:
    submission = _claim(submission_id)
    if submission is None:
        return  # already finished, or claimed by another worker
    try:
        run = _detect(submission)
    except Exception as error:
        logger.exception("Classifying submission %s failed", submission_id)
        _finish(submission, status=Submission.Status.FAILED, error=_describe(error))
        return
    _finish(submission, status=Submission.Status.DONE, run=run)


def _claim(submission_id: uuid.UUID) -> Submission | None:
    claimed = Submission.objects.filter(pk=submission_id, status=Submission.Status.PENDING).update(
        status=Submission.Status.PROCESSING,
        attempts=F("attempts") + 1,
        started_at=timezone.now(),
        error="",
    )
    return Submission.objects.get(pk=submission_id) if claimed else None


def detector_load() -> classifier.Detector:
    """The model, loaded once per worker process (the worker calls this at start)."""
    return classifier.load_detector(classifier.ModelConfig.from_env())


def _detect(submission: Submission) -> classifier.DetectionRun:
    image = Image.open(io.BytesIO(storage.served_image_open(submission.image.name or "")))
    return detector_load().detect(image)


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
