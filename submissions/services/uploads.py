"""Writes an owner causes: uploading, retrying, changing geoprivacy, deleting."""

from functools import partial

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.core.files import File
from django.db import transaction

from accounts.services import user_delete
from submissions import storage
from submissions.exif import PhotoMetadata, read_metadata
from submissions.images import CheckedUpload, check_upload, read_upload
from submissions.models import Submission
from submissions.selectors import submissions_backlog_full
from submissions.services.outbox import public_change_record
from submissions.services.queue import submission_enqueue


class QueueFull(Exception):
    """Too many photos wait for the worker (BIRDAI_MAX_BACKLOG): this one was not taken.

    Backpressure: refused at once, before the photo is read or stored, so that a burst
    of uploads waits at the client (Retry-After) instead of piling up in the queue.
    """

    message = (
        "Too many photos are waiting to be classified right now, so this one was not "
        "saved. Try again in a minute."
    )
    retry_after = 60  # seconds, for the Retry-After header

    def __init__(self) -> None:
        super().__init__(self.message)


def submission_create(
    *, owner: User, upload: File, geoprivacy: str = Submission.Geoprivacy.OBSCURED
) -> Submission:
    """Validate and store a photo, read its position and queue its classification.

    Only the original is stored here: the worker makes the served copies
    (submission_served_copies_save), as encoding them is most of an upload's work.
    Raises ``QueueFull`` while the backlog is full and ``ImageRejected`` for a photo it
    cannot take, both before anything is stored; ``StorageUnavailable`` when storage
    fails (before any row exists). If the database write fails, the file already
    written is removed: nothing is half-stored.
    """
    if submissions_backlog_full():
        raise QueueFull
    filename = upload.name or ""
    data = read_upload(upload, upload.size or 0, max_bytes=settings.MAX_UPLOAD_BYTES)
    checked = check_upload(data, filename, max_pixels=settings.MAX_IMAGE_PIXELS)
    metadata = read_metadata(data)
    submission = Submission(owner=owner, original_name=filename[:255], geoprivacy=geoprivacy)
    original = storage.submission_original_save(submission_id=submission.id, upload=checked)
    try:
        with transaction.atomic():
            _fill(submission, original, checked, metadata)
            submission.save()
            submission_enqueue(submission)
    except BaseException:
        storage.submission_files_delete(files=storage.StoredFiles(original, "", ""))
        raise
    return submission


def submission_retry(*, submission: Submission) -> bool:
    """Queue a failed submission again; returns False if it had not failed."""
    with transaction.atomic():
        updated = Submission.objects.filter(
            pk=submission.pk, status=Submission.Status.FAILED
        ).update(status=Submission.Status.PENDING, attempts=0, error="")
        if updated:
            submission_enqueue(submission)
    return bool(updated)


def submission_geoprivacy_set(*, submission: Submission, geoprivacy: str) -> Submission:
    """Change who sees where the photo was taken; the public side follows (the outbox).

    The served copies move with it (storage.served_copies_move). Into private storage
    before the change commits, so a photo is never private while its old public URLs
    work; if storage fails, nothing changes (``StorageUnavailable``). Back to public
    storage after the commit: a failure there only breaks the image until the next save.
    """
    with transaction.atomic():
        # Locked, so that two changes at once cannot move the files in opposite ways.
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        Submission.objects.filter(pk=submission.pk).update(geoprivacy=geoprivacy)
        public_change_record(submission.pk)
        # None yet while the photo waits for the worker, which stores them as this says.
        names = [name for name in (locked.image.name, locked.thumbnail.name) if name]
        if is_private(geoprivacy):
            storage.served_copies_move(names=names, private=True)
        else:
            publish = partial(storage.served_copies_move, names=names, private=False)
            transaction.on_commit(publish, robust=True)
    submission.geoprivacy = geoprivacy
    return submission


def submission_delete(*, submission: Submission) -> None:
    """Delete a photo: its row, detections and stored files; its sighting and record follow.

    The row goes with its outbox row in one transaction, so the map and peers always
    learn of it (a tombstone); the files go once that commits. If storage fails then,
    only files without a row are left: /media/ serves none of them (S3 URLs work until
    storage_clean_orphans deletes them; docs/stages/ca2.md). Never a row whose files
    are half gone.
    """
    with transaction.atomic():
        # Locked and read again: the worker may have stored the served copies since
        # `submission` was read, and waits here if it is storing them now.
        locked = Submission.objects.select_for_update().filter(pk=submission.pk).first()
        if locked is None:
            return  # deleted already
        files = storage.StoredFiles(
            locked.original.name or "", locked.image.name or "", locked.thumbnail.name or ""
        )
        locked.delete()  # detections by cascade
        public_change_record(submission.pk)
        transaction.on_commit(partial(storage.submission_files_delete, files=files))


def account_delete(*, user: User) -> None:
    """Delete a user and everything of theirs: each photo as submission_delete does, then
    the account and its API tokens, in one transaction; the files go once it commits.

    Here and not in accounts because accounts sits below submissions: it cannot know
    photos exist, and deleting the user first would skip the outbox (and the tombstones).
    """
    with transaction.atomic():
        # Locked, so an upload cannot add a photo meanwhile: its row would wait, then fail.
        locked = User.objects.select_for_update().get(pk=user.pk)
        for submission in list(Submission.objects.owned_by(locked)):
            submission_delete(submission=submission)
        user_delete(user=locked)


def _fill(
    submission: Submission, original: str, checked: CheckedUpload, metadata: PhotoMetadata
) -> None:
    submission.original = original  # type: ignore[assignment]
    submission.width, submission.height = checked.width, checked.height
    if metadata.latitude is not None and metadata.longitude is not None:
        submission.location = Point(metadata.longitude, metadata.latitude, srid=4326)
    submission.altitude_m = metadata.altitude_m
    submission.location_accuracy_m = metadata.horizontal_accuracy_m
    submission.captured_at = metadata.captured_at


def is_private(geoprivacy: str) -> bool:
    return geoprivacy == Submission.Geoprivacy.PRIVATE
