"""Classify submissions. Runs in the worker process, where the model lives.

Before its first run a photo has only its original: the worker first makes the
served copies from it (images.served_copies_make). The model always reads the
served copy, so its boxes fit the image shown and every run sees the same pixels.

On a GPU one pass through the network costs about the same for one photo as
for eight, so a task also claims other queued submissions and runs them all as
one batch; their own tasks then find them taken and return. On a CPU a batch
only adds work (it pads every photo to the largest), so there it is one photo.
The writes (the claim, the result) are services: submissions.services.
"""

import io
import logging
import uuid
from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from PIL import Image

import classifier
from submissions import storage
from submissions.images import ImageRejected, served_copies_make
from submissions.models import Submission
from submissions.services import (
    submission_finish,
    submission_requeue_later,
    submission_served_copies_save,
    submissions_claim,
)

logger = logging.getLogger(__name__)
# Eight photos of up to 640 px fit easily in the memory of any GPU the course uses.
GPU_BATCH_SIZE = 8
# The inference service down (BIRDAI_INFERENCE_URL): the photos wait, 5 s, 10 s, 20 s ...
# up to 5 minutes between tries, for as long as it takes. They never fail for it.
OUTAGE_FIRST_WAIT = timedelta(seconds=5)
OUTAGE_LONGEST_WAIT = timedelta(minutes=5)


def submission_classify(*, submission_id: uuid.UUID, outage_retries: int = 0) -> None:
    detector = classifier.load_detector_from_env()  # loaded at the worker's start
    batch_size = classify_batch_size(detector.device)
    batch = submissions_claim(submission_id=submission_id, batch_size=batch_size)
    if not batch:
        return  # already finished, or claimed by another worker or batch
    images = {}
    for submission in batch:
        try:
            images[submission.pk] = submission_photo_prepare(submission=submission)
        except Exception as error:
            _fail(submission, error)
    ready = [submission for submission in batch if submission.pk in images]
    try:
        runs = detector.detect_batch([images[submission.pk] for submission in ready])
    except classifier.InferenceUnavailable as error:
        _wait_for_inference(ready, error, outage_retries)
        return
    except Exception as error:
        for submission in ready:
            _fail(submission, error)
        return
    for submission, run in zip(ready, runs, strict=True):
        submission_finish(submission=submission, status=Submission.Status.DONE, run=run)


def classify_batch_size(device: str) -> int:
    """How many photos one task runs together: BIRDAI_CLASSIFY_BATCH_SIZE, or by device."""
    if settings.CLASSIFY_BATCH_SIZE > 0:
        return int(settings.CLASSIFY_BATCH_SIZE)
    return 1 if device == "cpu" else GPU_BATCH_SIZE


def _wait_for_inference(batch: list[Submission], error: Exception, outage_retries: int) -> None:
    wait = min(OUTAGE_LONGEST_WAIT, OUTAGE_FIRST_WAIT * 2 ** min(outage_retries, 10))
    seconds = int(wait.total_seconds())
    logger.warning("Inference unavailable; %s photos wait %s s: %s", len(batch), seconds, error)
    for submission in batch:
        submission_requeue_later(
            submission=submission, delay=wait, outage_retries=outage_retries + 1
        )


def submission_photo_prepare(*, submission: Submission) -> Image.Image:
    """The photo as the model sees it: the served copy, made and stored first if need be.

    Raises ``StorageUnavailable`` if storage fails, ``ImageRejected`` if the original
    cannot be decoded (check_upload, which accepted it, decodes it the same way).
    """
    if submission.image:  # made on an earlier run
        return Image.open(io.BytesIO(storage.served_image_open(submission.image.name or "")))
    name = submission.original.name or ""
    original = storage.original_open(name)
    copies = served_copies_make(
        original, PurePath(name).suffix, max_pixels=settings.MAX_IMAGE_PIXELS
    )
    submission_served_copies_save(submission=submission, copies=copies)
    return Image.open(io.BytesIO(copies.served))


def _fail(submission: Submission, error: Exception) -> None:
    logger.error("Classifying submission %s failed", submission.pk, exc_info=error)
    failed = Submission.Status.FAILED
    submission_finish(submission=submission, status=failed, error=_describe(error))


def _describe(error: Exception) -> str:
    if isinstance(error, classifier.ModelError):
        return f"The model is not available: {error}"
    if isinstance(error, storage.StorageUnavailable):
        return "Photo storage was unavailable when the photo's copies were made; try again."
    if isinstance(error, ImageRejected):
        return f"The photo could not be turned into the copies we serve: {error.message}"
    return f"Classification failed: {error.__class__.__name__}: {error}"[:1000]
