"""What becomes public when a submission changes: its map row and this node's record.

The one hand-off upwards in the code: submissions (below) writes a PublicChange row
in the outbox with every change the public may see; public_changes_apply, run by
the worker every BIRDAI_PUBLISH_INTERVAL seconds, takes each one and, in one
transaction, makes the map's row match (map.services.sighting_publish) and signs
a new version of this node's record for peers, or its tombstone, so the map and the
records never disagree. A record carries only what the map shows everyone: the
public point (an obscured sighting's coarsened one, never the true position) and
URLs of the served copies (never the original, which keeps the photo's EXIF).
"""

import uuid
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db import transaction
from pydantic import JsonValue, TypeAdapter, ValidationError

from gossip.identity import gossip_enabled, this_node
from gossip.protocol.fields import HttpsUrl
from gossip.protocol.limits import MAX_LABELS, MAX_PRECISION_M
from gossip.protocol.origin import publish, unpublish
from gossip.protocol.records import Label, Record
from map.models import Sighting
from map.services import Publication, sighting_publish
from submissions import storage
from submissions.services import public_changes_take

# What a version says about its sighting; seq, published_at and replaces are bookkeeping.
CONTENT = ("observed_at", "labels", "location", "image_url", "thumb_url")
HTTPS_URL: TypeAdapter[str] = TypeAdapter(HttpsUrl)


# Changes taken from the outbox in one transaction.
BATCH = 100


def public_changes_apply() -> int:
    """Apply every change in the submissions outbox; returns how many submissions changed."""
    applied = 0
    while True:
        with transaction.atomic(), _store_lock():
            submission_ids = public_changes_take(limit=BATCH)
            for submission_id in submission_ids:
                submission_share(submission_id=submission_id)
        applied += len(submission_ids)
        if len(submission_ids) < BATCH:
            return applied


def submission_share(*, submission_id: uuid.UUID) -> Publication:
    """The submission's map row as its state says, and peers told of the change."""
    with transaction.atomic(), _store_lock():
        publication = sighting_publish(submission_id=submission_id)
        if publication.sighting is not None:
            own_record_publish(sighting=publication.sighting)
        elif publication.withdrawn is not None:
            own_record_withdraw(sighting_id=str(publication.withdrawn))
    return publication


def _store_lock() -> AbstractContextManager[object]:
    """Gossip's lock, taken before the map's cluster rows, as keeping peers' records does;
    two writers taking them in opposite orders could deadlock."""
    if gossip_enabled():
        return this_node().store.batch()
    return nullcontext(None)


def own_record_publish(*, sighting: Sighting) -> Record | None:
    """A new version of a local public sighting; None when gossip is off or nothing changed."""
    if not gossip_enabled():
        return None
    node = this_node()
    content = sighting_content(sighting)
    current = node.store.sighting(node.node_id, str(sighting.id))
    unchanged = current is not None and not current.deleted and _content(current) == content
    if unchanged:
        return None  # publishing again changes nothing, as sighting_publish promises
    return publish(node, sighting_id=str(sighting.id), **content)


def own_record_withdraw(*, sighting_id: str) -> Record | None:
    """A tombstone for a sighting that stopped being public; None if it was never shared."""
    if not gossip_enabled():
        return None
    node = this_node()
    current = node.store.sighting(node.node_id, sighting_id)
    if current is None or current.deleted:
        return None
    return unpublish(node, sighting_id=sighting_id)


def sighting_content(sighting: Sighting) -> dict[str, Any]:
    """The record's fields for a local sighting, as its public row has them."""
    submission = sighting.submission
    return {
        "observed_at": sighting.observed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "labels": _labels(sighting.labels),
        "location": {
            "lat": sighting.point.y,
            "lon": sighting.point.x,
            "precision_m": None
            if sighting.precision_m is None
            else float(min(sighting.precision_m, MAX_PRECISION_M)),
        },
        "image_url": _lasting_url(submission.image.name if submission else None),
        "thumb_url": _lasting_url(submission.thumbnail.name if submission else None),
    }


def _content(record: Record) -> dict[str, Any]:
    wire = record.wire()
    return {name: wire[name] for name in CONTENT}


def _labels(labels: list[dict[str, Any]]) -> list[JsonValue]:
    """The best MAX_LABELS labels (the row has them best first) that a record can carry."""
    kept: list[JsonValue] = []
    for found in labels:
        try:
            label = Label(label=found["label"], confidence=float(found["confidence"]))
        except (KeyError, TypeError, ValueError, ValidationError):
            continue  # the model's class names always pass; anything odd stays home
        kept.append(label.model_dump())
    return kept[:MAX_LABELS]


def _lasting_url(name: str | None) -> str | None:
    """The absolute https URL of a served copy, if it has one that lasts.

    Local disk gives /media/…, made absolute with BIRDAI_GOSSIP_BASE_URL; a CDN gives
    an absolute URL already. A presigned S3 URL (with a query) expires, and a record
    is forever, so such a sighting travels without its photo.
    """
    if not name:
        return None
    url = urljoin(settings.GOSSIP_BASE_URL + "/", storage.served_url(name))
    if urlsplit(url).query:
        return None
    try:
        return HTTPS_URL.validate_python(url)
    except ValidationError:
        return None
