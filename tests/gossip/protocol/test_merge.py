"""Merging what peers send: in-line records are kept, held ones ignored, the rest refused."""

import logging

from gossip.protocol.exchange import delta, merge
from gossip.protocol.origin import unpublish
from gossip.protocol.records import record_sign
from tests.gossip.actors import node_of, sighting_id, squirrel


def wires(records) -> list[dict]:
    return [record.wire() for record in records]


def test_bob_takes_alices_records_and_holds_what_she_holds(alice_node, bob_node):
    records = [squirrel(alice_node, number) for number in range(3)]
    result = merge(bob_node.store, wires(records))
    assert result.accepted == records
    assert not result.ignored and not result.rejected
    assert bob_node.store.digest() == alice_node.store.digest()


def test_a_record_already_held_is_ignored_not_rejected(alice_node, bob_node):
    records = [squirrel(alice_node, number) for number in range(3)]
    merge(bob_node.store, wires(records))
    result = merge(bob_node.store, wires(records[:1]))
    assert not result.accepted and not result.rejected
    assert [(r.seq, r.reason) for r in result.ignored] == [(1, "seq 1 is already held")]


def test_a_gap_is_refused_with_a_reason_and_the_rest_of_the_batch_is_kept(
    alice_node, bob_node, caplog
):
    alices = [squirrel(alice_node, number) for number in range(3)]
    bobs = squirrel(bob_node, 1)
    carol = node_of("carol")
    result = merge(carol.store, [alices[0].wire(), alices[2].wire(), bobs.wire()])
    assert result.accepted == [alices[0], bobs]
    [gap] = result.rejected
    assert (gap.seq, gap.reason) == (3, "gap: this node holds up to seq 1; seq 2 must come first")
    assert carol.store.watermark(alice_node.node_id) == 1
    assert "dropped" in caplog.text and "gap" in caplog.text


def test_records_arriving_after_an_invalid_one_wait_for_it(alice_node, bob_node):
    records = wires([squirrel(alice_node, number) for number in range(3)])
    records[0]["location"]["lat"] = 91.0
    result = merge(bob_node.store, records)
    assert [r.reason[:4] for r in result.rejected] == ["loca", "gap:", "gap:"]
    assert bob_node.store.digest() == {}


def test_a_newer_version_replaces_the_older_one(alice_node, bob_node):
    first = squirrel(alice_node, 1)
    merge(bob_node.store, [first.wire()])
    obscured = squirrel(alice_node, 1, location={"lat": 51.5, "lon": -0.1, "precision_m": 22000.0})
    merge(bob_node.store, [obscured.wire()])
    assert bob_node.store.sighting(alice_node.node_id, sighting_id(1)) == obscured
    assert bob_node.store.covering(alice_node.node_id, 1) == obscured  # seq 1 is gone
    assert bob_node.store.watermark(alice_node.node_id) == 2


def test_a_tombstone_replaces_the_record_it_deletes(alice_node, bob_node):
    merge(bob_node.store, [squirrel(alice_node, 1).wire()])
    tombstone = unpublish(alice_node, sighting_id=sighting_id(1))
    assert merge(bob_node.store, [tombstone.wire()]).accepted == [tombstone]
    assert bob_node.store.sighting(alice_node.node_id, sighting_id(1)) == tombstone
    assert all(not r.location for r in bob_node.store.records())  # the position is gone


def test_an_old_version_arriving_after_the_new_one_is_ignored(alice_node, bob_node):
    old = squirrel(alice_node, 1)
    new = squirrel(alice_node, 1, labels=[])
    merge(bob_node.store, [new.wire()])  # seq 2 fills slots 1 and 2 at once
    result = merge(bob_node.store, [old.wire()])
    assert [r.reason for r in result.ignored] == ["seq 1 is already held"]
    assert bob_node.store.sighting(alice_node.node_id, sighting_id(1)) == new


def test_a_replacement_pulled_forward_fills_the_hole_it_left(alice_node, bob_node):
    squirrel(alice_node, 1)  # seq 1, replaced below
    second = squirrel(alice_node, 2)  # seq 2
    newer = squirrel(alice_node, 1, labels=[])  # seq 3 replaces seq 1
    sent = delta(alice_node.store, {})
    assert sent == [newer, second]  # slot 1 is newer's, slot 2 second's
    assert merge(bob_node.store, wires(sent)).accepted == sent
    assert bob_node.store.digest() == alice_node.store.digest() == {alice_node.node_id: 3}


def test_a_record_contradicting_the_held_version_of_its_sighting_is_refused(alice_node, bob_node):
    first = squirrel(alice_node, 1)
    merge(bob_node.store, [first.wire()])
    # Only alice can sign for her origin: a bug of hers, then, not an attack.
    fields = {**first.wire(), "seq": 2, "replaces": []}
    del fields["sig"], fields["origin"]
    again = record_sign(alice_node.key, fields)
    [refusal] = merge(bob_node.store, [again.wire()]).rejected
    assert refusal.reason == "does not replace seq 1, a version of its sighting"


def test_a_new_version_must_replace_every_earlier_one(alice_node, bob_node):
    squirrel(alice_node, 1)
    second = squirrel(alice_node, 1, labels=[])  # seq 2, replaces [1]
    merge(bob_node.store, [second.wire()])
    fields = {**second.wire(), "seq": 3, "replaces": [2]}  # forgets seq 1
    del fields["sig"], fields["origin"]
    [refusal] = merge(bob_node.store, [record_sign(alice_node.key, fields).wire()]).rejected
    assert refusal.reason == "does not replace seq 1, a version of its sighting"


def test_logging_names_origin_seq_and_reason(alice_node, bob_node, caplog):
    wire = squirrel(alice_node, 1).wire()
    wire["labels"][0]["label"] = "x" * 10_000
    with caplog.at_level(logging.WARNING, logger="gossip"):
        merge(bob_node.store, [wire])
    assert f"dropped {alice_node.node_id} seq 1: labels.0.label" in caplog.text
    assert "x" * 100 not in caplog.text
