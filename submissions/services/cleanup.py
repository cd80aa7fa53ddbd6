"""Deleting stored files that no submission owns any more."""

import uuid
from datetime import timedelta

from django.utils import timezone

from submissions import storage
from submissions.models import Submission

ORPHAN_GRACE = timedelta(hours=1)


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


def _without_row(ids: list[uuid.UUID], chunk: int = 1000) -> list[uuid.UUID]:
    missing = []
    for start in range(0, len(ids), chunk):
        some = ids[start : start + chunk]
        known = set(Submission.objects.filter(pk__in=some).values_list("pk", flat=True))
        missing += [submission_id for submission_id in some if submission_id not in known]
    return missing
