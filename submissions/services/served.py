"""The served copies, which the worker makes: storing them and naming them on the row."""

from django.db import transaction

from submissions import storage
from submissions.images import ServedCopies
from submissions.models import Submission
from submissions.services.uploads import is_private


def submission_served_copies_save(*, submission: Submission, copies: ServedCopies) -> bool:
    """Store a photo's served copies and name them on its row; False if the row is gone.

    The row is locked while the files are written, so that a change of geoprivacy
    (submission_geoprivacy_set) waits, then moves them, instead of missing them; so
    does a delete, which then deletes them. Copies another run stored first are kept.
    Raises ``StorageUnavailable`` if storage fails; nothing is half-stored.
    """
    names = ("", "")
    try:
        with transaction.atomic():
            locked = Submission.objects.select_for_update().filter(pk=submission.pk).first()
            if locked is None:
                return False
            if not locked.image:
                names = storage.served_copies_save(
                    submission_id=locked.pk,
                    served=copies.served,
                    thumbnail=copies.thumbnail,
                    private=is_private(locked.geoprivacy),
                )
                locked.image, locked.thumbnail = names  # type: ignore[assignment]
                locked.save(update_fields=["image", "thumbnail"])
    except BaseException:
        storage.submission_files_delete(files=storage.StoredFiles("", *names))
        raise
    submission.image, submission.thumbnail = locked.image, locked.thumbnail
    return True
