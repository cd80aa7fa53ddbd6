"""Gossip actors built in code: alice's and bob's nodes, and mallory, who forges.

Keys come from fixed seeds, so every run signs the same bytes. Nothing here needs
a database: the protocol core is plain Python.
"""

import hashlib
import uuid

from pydantic import JsonValue

from gossip.protocol.node import Node
from gossip.protocol.origin import publish
from gossip.protocol.peers import MemoryPeerBook
from gossip.protocol.records import Record
from gossip.protocol.signing import NodeKey, canonical_json
from gossip.protocol.store import MemoryStore


def key_of(name: str) -> NodeKey:
    """The same key pair for the same name, every run."""
    return NodeKey.from_private_bytes(hashlib.sha256(name.encode()).digest())


def node_of(name: str) -> Node:
    return Node(key_of(name), f"https://{name}.birdai.example", MemoryStore(), MemoryPeerBook())


def sighting_id(number: int) -> str:
    return str(uuid.UUID(int=number, version=4))


def squirrel(node: Node, number: int = 1, **changes: JsonValue) -> Record:
    """Publish (a new version of) sighting `number` at alice's park: a squirrel."""
    fields: dict[str, JsonValue] = {
        "observed_at": "2026-05-17T08:30:00+02:00",
        "labels": [{"label": "squirrel", "confidence": 0.91}],
        "location": {"lat": 51.5074, "lon": -0.1278, "precision_m": 12.0},
        "image_url": f"{node.base_url}/media/{number}.jpg",
        "thumb_url": f"{node.base_url}/media/{number}-thumb.jpg",
        **changes,
    }
    return publish(node, sighting_id=sighting_id(number), **fields)


def signed_as(key: NodeKey, fields: dict[str, JsonValue]) -> dict[str, JsonValue]:
    """`fields` signed by `key` exactly as they are, whoever they name as origin.

    How mallory forges: record_sign would set the origin to her own key.
    """
    return {**fields, "sig": key.sign(canonical_json(fields))}
