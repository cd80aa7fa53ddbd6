"""The origin's side: a node numbers, signs and keeps the records of its own sightings.

Each new version of a sighting takes the origin's next seq and replaces every
earlier version: a sighting made obscured is published again with the coarse
point, and the open record with the true one is gone from every node that gets
the new one. A sighting made private, or deleted, gets a tombstone.

Only open and obscured sightings may be passed here; a private one never is.
"""

from datetime import UTC, datetime

from pydantic import JsonValue

from gossip.protocol.node import Node
from gossip.protocol.records import Record, record_sign


def publish(
    node: Node,
    *,
    sighting_id: str,
    observed_at: str | None,
    labels: list[dict[str, JsonValue]],
    location: dict[str, JsonValue] | None,
    image_url: str | None = None,
    thumb_url: str | None = None,
) -> Record:
    """A new version of a public sighting (its first, or one that replaces the last)."""
    sighting: dict[str, JsonValue] = {
        "observed_at": observed_at,
        "labels": list(labels),
        "location": location,
        "image_url": image_url,
        "thumb_url": thumb_url,
        "deleted": False,
    }
    return _next_version(node, sighting_id, sighting)


def unpublish(node: Node, *, sighting_id: str) -> Record:
    """A tombstone: the sighting is gone (deleted, or made private) from every node."""
    emptied: dict[str, JsonValue] = {
        "observed_at": None,
        "labels": [],
        "location": None,
        "image_url": None,
        "thumb_url": None,
        "deleted": True,
    }
    return _next_version(node, sighting_id, emptied)


def _next_version(node: Node, sighting_id: str, sighting: dict[str, JsonValue]) -> Record:
    with node.store.batch():  # two publications at once must not take the same seq
        seq = node.store.watermark(node.node_id) + 1
        earlier = node.store.sighting(node.node_id, sighting_id)
        replaces: list[JsonValue] = [] if earlier is None else [*earlier.replaces, earlier.seq]
        record = record_sign(
            node.key,
            {
                **sighting,
                "seq": seq,
                "id": sighting_id,
                "published_at": now(),
                "replaces": replaces,
            },
        )
        node.store.keep(record, watermark=seq)
    return record


def now() -> str:
    """The current time in RFC 3339, to the second, in UTC."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
