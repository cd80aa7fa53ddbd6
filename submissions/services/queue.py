"""Writes of the classification queue: enqueueing, the worker's claims and results, re-queueing."""

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone

from classifier import DetectionRun
from submissions.models import Detection, Submission
from submissions.services.outbox import public_change_record
from submissions.tasks import classify_submission

logger = logging.getLogger(__name__)
LIVE_TASK_STATES = {TaskResultStatus.READY, TaskResultStatus.RUNNING}


def submission_enqueue(submission: Submission) -> None:
    # Called inside the caller's transaction: the database queue commits the
    # task together with the submission, or neither.
    result = classify_submission.enqueue(str(submission.pk))
    Submission.objects.filter(pk=submission.pk).update(
        task_id=str(result.id), queued_at=timezone.now()
    )


@transaction.atomic
def submissions_claim(*, submission_id: uuid.UUID, batch_size: int) -> list[Submission]:
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


@transaction.atomic
def submission_finish(
    *, submission: Submission, status: str, run: DetectionRun | None = None, error: str = ""
) -> bool:
    """Write a claim's outcome; False if the claim is no longer current.

    Only the claim that is still current may write: if this run was taken for
    dead and queued again, its late result is dropped.
    """
    current = Submission.objects.filter(
        pk=submission.pk, status=Submission.Status.PROCESSING, attempts=submission.attempts
    )
    fields: dict[str, object] = {"status": status, "finished_at": timezone.now(), "error": error}
    if run is not None:
        fields |= {
            "model_name": run.model_name,
            "model_classes": list(run.classes),
            "device": run.device,
            "precision": run.precision,
            "inference_ms": run.inference_ms,
        }
    if not current.update(**fields):
        return False
    if run is not None:
        Detection.objects.bulk_create(_detections(submission, run))
    public_change_record(submission.pk)  # on the public map and to peers, unless private
    return True


@transaction.atomic
def submission_requeue_later(
    *, submission: Submission, delay: timedelta, outage_retries: int
) -> bool:
    """Give a claim back and queue the photo again, to run after `delay`; False if the
    claim is no longer current.

    For an outage of the inference service: the claim's attempt is given back, so
    waiting one out never counts toward CLASSIFY_MAX_ATTEMPTS (the worker logs the
    cause; the owner sees only that the photo waits). queued_at stays, so the photo
    keeps its place in the line (oldest_first).
    """
    current = Submission.objects.filter(
        pk=submission.pk, status=Submission.Status.PROCESSING, attempts=submission.attempts
    )
    waiting = f"Waiting for the inference service; next try in {int(delay.total_seconds())} s."
    if not current.update(
        status=Submission.Status.PENDING, attempts=F("attempts") - 1, error=waiting
    ):
        return False
    later = classify_submission.using(run_after=timezone.now() + delay)
    result = later.enqueue(str(submission.pk), outage_retries)
    Submission.objects.filter(pk=submission.pk).update(task_id=str(result.id))
    return True


def submissions_requeue_stale() -> int:
    """Re-queue work a dead worker left behind; returns how many were queued again.

    A worker killed mid-task leaves its submission "processing" and its task
    claimed forever. The worker runs this on a timer, so such a submission is
    picked up again (or failed for good after too many attempts).
    """
    timeout = settings.CLASSIFY_TIMEOUT
    requeued = 0
    for submission in Submission.objects.stuck_processing(timeout=timeout):
        requeued += _requeue_if_unchanged(submission)
    for submission in Submission.objects.long_pending(timeout=timeout):
        if not _task_is_live(submission.task_id):
            requeued += _requeue_if_unchanged(submission)
    return requeued


def _mark_processing(submissions: QuerySet[Submission], now: datetime) -> int:
    return submissions.update(
        status=Submission.Status.PROCESSING,
        attempts=F("attempts") + 1,
        started_at=now,
        error="",
    )


def _detections(submission: Submission, run: DetectionRun) -> list[Detection]:
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


def _task_is_live(task_id: str) -> bool:
    try:
        return classify_submission.get_result(task_id).status in LIVE_TASK_STATES
    except TaskResultDoesNotExist:
        return False


@transaction.atomic
def _requeue_if_unchanged(submission: Submission) -> int:
    # Conditional on the state we read, so a worker that finishes meanwhile wins.
    unchanged = Submission.objects.filter(
        pk=submission.pk, status=submission.status, attempts=submission.attempts
    )
    if submission.attempts >= settings.CLASSIFY_MAX_ATTEMPTS:
        unchanged.update(
            status=Submission.Status.FAILED,
            finished_at=timezone.now(),
            error=f"Classification stopped unfinished {submission.attempts} times; giving up.",
        )
        return 0
    if not unchanged.update(status=Submission.Status.PENDING):
        return 0
    logger.warning("Re-queueing submission %s (attempt %s)", submission.pk, submission.attempts)
    submission_enqueue(submission)
    return 1
