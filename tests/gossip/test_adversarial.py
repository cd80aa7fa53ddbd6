"""The attacks of the issue, at the core: each is refused with a reason, the rest kept.

mallory runs a node too. She can send bob anything, but she holds no key but her own.
(The same attacks over HTTP come with the endpoints.)
"""

import json

import pytest
from pydantic import ValidationError

from gossip.protocol.exchange import merge
from gossip.protocol.messages import ExchangeRequest, decode
from gossip.protocol.origin import unpublish
from tests.gossip.actors import node_of, sighting_id, signed_as, squirrel


def forged_by(mallory_key, wire: dict, **changes) -> dict:
    """alice's record with `changes`, signed by mallory in alice's name."""
    fields = {key: value for key, value in wire.items() if key != "sig"}
    return signed_as(mallory_key, {**fields, **changes})


def test_a_forged_signature_is_refused(alice_node, bob_node, mallory_key):
    real = squirrel(alice_node, 1).wire()
    forged = forged_by(mallory_key, real, labels=[{"label": "dodo", "confidence": 1.0}])
    result = merge(bob_node.store, [forged, real])
    assert [r.reason for r in result.rejected] == [
        "bad signature: not signed by its origin, or altered since"
    ]
    assert [r.labels[0].label for r in result.accepted] == ["squirrel"]


def test_nobody_but_the_origin_can_publish_a_new_version(alice_node, bob_node, mallory_key):
    real = squirrel(alice_node, 1).wire()
    merge(bob_node.store, [real])
    moved = {"lat": 0.0, "lon": 0.0, "precision_m": 1.0}
    newer = forged_by(mallory_key, real, seq=2, replaces=[1], location=moved)
    assert merge(bob_node.store, [newer]).rejected[0].reason.startswith("bad signature")
    tombstone = forged_by(
        mallory_key,
        real,
        seq=2,
        replaces=[1],
        deleted=True,
        labels=[],
        location=None,
        observed_at=None,
        image_url=None,
        thumb_url=None,
    )
    assert merge(bob_node.store, [tombstone]).rejected[0].reason.startswith("bad signature")
    assert bob_node.store.sighting(alice_node.node_id, sighting_id(1)).wire() == real


def test_a_replayed_old_seq_is_ignored(alice_node, bob_node):
    old = squirrel(alice_node, 1).wire()
    tombstone = unpublish(alice_node, sighting_id=sighting_id(1))
    merge(bob_node.store, [tombstone.wire()])
    result = merge(bob_node.store, [old])
    assert [r.reason for r in result.ignored] == ["seq 1 is already held"]
    assert bob_node.store.sighting(alice_node.node_id, sighting_id(1)) == tombstone


def test_a_seq_gap_is_refused(alice_node, bob_node):
    records = [squirrel(alice_node, number).wire() for number in range(5)]
    result = merge(bob_node.store, [records[0], records[4]])
    assert [r.reason for r in result.rejected] == [
        "gap: this node holds up to seq 1; seq 2 must come first"
    ]
    assert bob_node.store.watermark(alice_node.node_id) == 1


def test_a_100000_entry_digest_is_refused(alice_node):
    body = {
        "from": {"node_id": alice_node.node_id, "base_url": alice_node.base_url},
        "digest": {f"{n:043d}": 1 for n in range(100_000)},
        "peers": [],
    }
    with pytest.raises(ValidationError, match="has 100000 entries, at most 10000"):
        decode(ExchangeRequest, json.dumps(body).encode())


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (lambda w: w["location"].update(lat=91.0), "location.lat: Input should be less than"),
        (
            lambda w: w["labels"][0].update(label="a" * 10_240),
            "labels.0.label: String should have at most 64 characters",
        ),
    ],
    ids=["lat 91", "10 kB label"],
)
def test_invalid_fields_are_refused_and_the_batch_goes_on(alice_node, bob_node, spoil, reason):
    bad, good = squirrel(alice_node, 1).wire(), squirrel(bob_node, 1).wire()
    spoil(bad)
    result = merge(node_of("carol").store, [bad, good])
    assert result.rejected[0].reason.startswith(reason)
    assert result.rejected[0].origin == alice_node.node_id
    assert len(result.accepted) == 1


def test_a_flood_of_new_origins_stops_at_the_digest_limit(alice_node, bob_node, monkeypatch):
    monkeypatch.setattr("gossip.protocol.admission.MAX_DIGEST_ENTRIES", 2)
    carol = node_of("carol")
    sybils = [node_of(f"sybil-{n}") for n in range(3)]
    result = merge(carol.store, [squirrel(node).wire() for node in sybils])
    assert len(result.accepted) == 2
    assert [r.reason for r in result.rejected] == ["this node already holds records of 2 origins"]
    assert merge(carol.store, [squirrel(sybils[0], 2).wire()]).accepted  # known origins go on
