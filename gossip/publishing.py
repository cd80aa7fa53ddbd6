"""This node's own records: a signed version of each public sighting, or its tombstone.

map.services.sighting_publish, the one place a local sighting becomes public or
stops being public, calls these in its own transaction, so the map and the records
never disagree. A record carries only what the map shows everyone: the public
point (an obscured sighting's coarsened one, never the true position) and URLs of
the served copies (never the original, which keeps the photo's EXIF).
"""

from datetime import UTC
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.files.storage import storages
from pydantic import JsonValue, TypeAdapter, ValidationError

from gossip.fields import HttpsUrl
from gossip.identity import gossip_enabled, this_node
from gossip.limits import MAX_LABELS, MAX_PRECISION_M
from gossip.origin import publish, unpublish
from gossip.records import Label, Record
from map.models import Sighting

# What a version says about its sighting; seq, published_at and replaces are bookkeeping.
CONTENT = ("observed_at", "labels", "location", "image_url", "thumb_url")
HTTPS_URL: TypeAdapter[str] = TypeAdapter(HttpsUrl)


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
        "image_url": _served_url(submission.image.name if submission else None),
        "thumb_url": _served_url(submission.thumbnail.name if submission else None),
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


def _served_url(name: str | None) -> str | None:
    """The absolute https URL of a served copy in the default storage, if it has one that lasts.

    Local disk gives /media/…, made absolute with BIRDAI_GOSSIP_BASE_URL; a CDN gives
    an absolute URL already. A presigned S3 URL (with a query) expires, and a record
    is forever, so such a sighting travels without its photo.
    """
    if not name:
        return None
    url = urljoin(settings.GOSSIP_BASE_URL + "/", storages["default"].url(name))
    if urlsplit(url).query:
        return None
    try:
        return HTTPS_URL.validate_python(url)
    except ValidationError:
        return None
