"""Writes to submissions: every change of state goes through a function here."""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.core.files import File
from django.db import transaction
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone

from birdai.submissions import storage
from birdai.submissions.images import prepare_upload, read_upload
from birdai.submissions.models import Submission
from birdai.submissions.tasks import classify_submission
from map.exif import PhotoMetadata, read_metadata
from map.services import sighting_publish

logger = logging.getLogger(__name__)
LIVE_TASK_STATES = {TaskResultStatus.READY, TaskResultStatus.RUNNING}
ORPHAN_GRACE = timedelta(hours=1)


def submission_create(
    *, owner: User, upload: File, geoprivacy: str = Submission.Geoprivacy.OBSCURED
) -> Submission:
    """Validate and store a photo, read its position and queue its classification.

    Raises ``ImageRejected`` before anything is stored, ``StorageUnavailable`` when
    storage fails (before any row exists). If the database write fails, the files
    already written are removed: nothing is half-stored.
    """
    filename = upload.name or ""
    data = read_upload(upload, upload.size or 0, max_bytes=settings.MAX_UPLOAD_BYTES)
    prepared = prepare_upload(data, filename, max_pixels=settings.MAX_IMAGE_PIXELS)
    metadata = read_metadata(data)
    submission = Submission(owner=owner, original_name=filename[:255], geoprivacy=geoprivacy)
    files = storage.submission_files_save(submission_id=submission.id, prepared=prepared)
    try:
        with transaction.atomic():
            _fill(submission, files, prepared.width, prepared.height, metadata)
            submission.save()
            _enqueue(submission)
    except BaseException:
        storage.submission_files_delete(files=files)
        raise
    return submission


def submission_orphan_files_delete(
    *, grace: timedelta = ORPHAN_GRACE, dry_run: bool = False
) -> list[storage.StoredFile]:
    """Delete stored files whose submission has no row; returns them (deleted or not).

    An upload writes its files before its row commits, so only files older than
    ``grace`` count: an upload still in flight is never touched. Orphans come from
    cleanups that could not reach storage, and from rows deleted behind the services'
    back (deleting a user deletes their submissions by cascade).
    """
    cutoff = timezone.now() - grace
    without_row = _without_row(sorted(storage.submission_ids_stored()))
    orphans = [
        stored
        for stored in storage.submission_files_list(submission_ids=without_row)
        if stored.modified_at < cutoff
    ]
    if not dry_run:
        storage.stored_files_delete(files=orphans)
    return orphans


def submission_retry(*, submission: Submission) -> bool:
    """Queue a failed submission again; returns False if it had not failed."""
    with transaction.atomic():
        updated = Submission.objects.filter(
            pk=submission.pk, status=Submission.Status.FAILED
        ).update(status=Submission.Status.PENDING, attempts=0, error="")
        if updated:
            _enqueue(submission)
    return bool(updated)


def submission_geoprivacy_set(*, submission: Submission, geoprivacy: str) -> Submission:
    """Change who sees where the photo was taken; the public map follows in the same commit."""
    with transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(geoprivacy=geoprivacy)
        sighting_publish(submission=submission)
    submission.geoprivacy = geoprivacy
    return submission


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


def _fill(
    submission: Submission,
    files: storage.StoredFiles,
    width: int,
    height: int,
    metadata: PhotoMetadata,
) -> None:
    submission.original = files.original  # type: ignore[assignment]
    submission.image = files.image  # type: ignore[assignment]
    submission.thumbnail = files.thumbnail  # type: ignore[assignment]
    submission.width, submission.height = width, height
    if metadata.latitude is not None and metadata.longitude is not None:
        submission.location = Point(metadata.longitude, metadata.latitude, srid=4326)
    submission.altitude_m = metadata.altitude_m
    submission.location_accuracy_m = metadata.horizontal_accuracy_m
    submission.captured_at = metadata.captured_at


def _enqueue(submission: Submission) -> None:
    # Called inside the caller's transaction: the database queue commits the
    # task together with the submission, or neither.
    result = classify_submission.enqueue(str(submission.pk))
    Submission.objects.filter(pk=submission.pk).update(
        task_id=str(result.id), queued_at=timezone.now()
    )


def _without_row(ids: list[uuid.UUID], chunk: int = 1000) -> list[uuid.UUID]:
    missing = []
    for start in range(0, len(ids), chunk):
        some = ids[start : start + chunk]
        known = set(Submission.objects.filter(pk__in=some).values_list("pk", flat=True))
        missing += [submission_id for submission_id in some if submission_id not in known]
    return missing


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
    _enqueue(submission)
    return 1
