"""Digests and deltas: what a node sends a peer, in what order, and how much at once."""

from gossip.protocol.exchange import delta, digest_sha256, fair_shares
from gossip.protocol.origin import unpublish
from gossip.protocol.store import MemoryStore
from tests.gossip.actors import node_of, sighting_id, squirrel


def test_the_digest_is_each_origins_watermark(alice_node, bob_node):
    for number in range(3):
        squirrel(alice_node, number)
    squirrel(bob_node, 1)
    assert alice_node.store.digest() == {alice_node.node_id: 3}
    assert bob_node.store.digest() == {bob_node.node_id: 1}


def test_the_digest_hash_depends_on_content_not_order():
    one = digest_sha256({"b": 1, "a": 2})
    assert one == digest_sha256({"a": 2, "b": 1})
    assert one != digest_sha256({"a": 2, "b": 2})
    assert len(one) == 43


def test_delta_sends_what_the_peer_lacks_in_seq_order(alice_node):
    records = [squirrel(alice_node, number) for number in range(5)]
    assert delta(alice_node.store, {}) == records
    assert delta(alice_node.store, {alice_node.node_id: 2}) == records[2:]
    assert delta(alice_node.store, {alice_node.node_id: 5}) == []
    assert delta(alice_node.store, {alice_node.node_id: 9}) == []  # the peer is ahead


def test_delta_is_ordered_by_origin_then_seq():
    nodes = [node_of(name) for name in ("alice", "bob", "carol")]
    relay = MemoryStore()
    for node in nodes:
        for number in range(3):
            record = squirrel(node, number)
            relay.keep(record, watermark=record.seq)
    sent = delta(relay, {})
    assert [(r.origin, r.seq) for r in sent] == sorted((r.origin, r.seq) for r in sent)
    assert len(sent) == 9


def test_delta_never_sends_a_replaced_version_and_leaves_no_gap(alice_node):
    squirrel(alice_node, 1)  # seq 1
    squirrel(alice_node, 2)  # seq 2
    squirrel(alice_node, 1, labels=[])  # seq 3 replaces seq 1
    unpublish(alice_node, sighting_id=sighting_id(2))  # seq 4 replaces seq 2
    # For a peer that has nothing, slot 1 is filled by seq 3 and slot 2 by seq 4.
    assert [r.seq for r in delta(alice_node.store, {})] == [3, 4]
    # A peer holding seq 1 lacks slot 2 first: the tombstone, then seq 3.
    assert [r.seq for r in delta(alice_node.store, {alice_node.node_id: 1})] == [4, 3]


def test_delta_stops_at_the_limit_and_keeps_the_earliest(alice_node):
    records = [squirrel(alice_node, number) for number in range(10)]
    assert delta(alice_node.store, {}, limit=4) == records[:4]


def test_one_huge_origin_cannot_starve_the_others():
    big, small = node_of("bigbird"), node_of("wren")
    relay = MemoryStore()
    for number in range(600):
        record = squirrel(big, number)
        relay.keep(record, watermark=record.seq)
    for number in range(3):
        record = squirrel(small, number)
        relay.keep(record, watermark=record.seq)
    sent = delta(relay, {})
    assert len(sent) == 500
    assert sum(r.origin == small.node_id for r in sent) == 3
    assert sum(r.origin == big.node_id for r in sent) == 497


def test_fair_shares_meet_small_needs_and_split_the_rest_evenly():
    assert fair_shares({"a": 1000, "b": 1000, "c": 1000}, 500) == {"a": 166, "b": 167, "c": 167}
    assert fair_shares({"a": 3, "b": 1000}, 500) == {"a": 3, "b": 497}
    assert fair_shares({"a": 3, "b": 4}, 500) == {"a": 3, "b": 4}
    assert sum(fair_shares({str(n): 1 for n in range(800)}, 500).values()) == 500
    assert fair_shares({}, 500) == {}
