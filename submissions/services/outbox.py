"""The outbox: changes the public may see, for the apps above to consume (gossip.sharing)."""

import uuid

from django.db import transaction

from submissions.models import PublicChange


def public_change_record(submission_id: uuid.UUID) -> None:
    # In the caller's transaction: the change and its outbox row commit together.
    PublicChange.objects.create(submission_id=submission_id)


def public_changes_take(*, limit: int) -> list[uuid.UUID]:
    """Take up to `limit` of the oldest changes out of the outbox: their submissions' ids.

    Call it inside the transaction that applies them, so that a failure puts them
    back; rows another consumer is taking at the same moment are skipped.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("public_changes_take must run inside the transaction that applies them")
    taken = PublicChange.objects.select_for_update(skip_locked=True).order_by("id")[:limit]
    rows = list(taken.values_list("pk", "submission_id"))
    PublicChange.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
    return list(dict.fromkeys(submission_id for _, submission_id in rows))
