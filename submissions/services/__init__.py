"""Writes to submissions: every change of state goes through a function here.

One module per kind of write; import from this package (`from submissions.services
import submission_create`), which names them all.
"""

from submissions.services.cleanup import ORPHAN_GRACE, submission_orphan_files_delete
from submissions.services.outbox import public_change_record, public_changes_take
from submissions.services.queue import (
    submission_enqueue,
    submission_finish,
    submission_requeue_later,
    submissions_claim,
    submissions_requeue_stale,
)
from submissions.services.served import submission_served_copies_save
from submissions.services.uploads import (
    QueueFull,
    account_delete,
    submission_create,
    submission_delete,
    submission_geoprivacy_set,
    submission_retry,
)

__all__ = [
    "ORPHAN_GRACE",
    "QueueFull",
    "account_delete",
    "public_change_record",
    "public_changes_take",
    "submission_create",
    "submission_delete",
    "submission_enqueue",
    "submission_finish",
    "submission_geoprivacy_set",
    "submission_orphan_files_delete",
    "submission_requeue_later",
    "submission_retry",
    "submission_served_copies_save",
    "submissions_claim",
    "submissions_requeue_stale",
]
