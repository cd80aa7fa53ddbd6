"""One push-pull exchange and a round of them, through the in-process transport."""

import random

import pytest

from gossip.protocol.in_process import InProcessTransport
from gossip.protocol.messages import UpdatesRequest
from gossip.protocol.node import answer_updates
from gossip.protocol.round import PeerError, gossip_round, gossip_with
from tests.gossip.actors import node_of, signed_as, squirrel


@pytest.fixture
def transport(alice_node, bob_node, rng) -> InProcessTransport:
    return InProcessTransport({n.node_id: n for n in (alice_node, bob_node)}, rng)


def test_one_exchange_pulls_and_pushes(alice_node, bob_node, transport, rng):
    alices = [squirrel(alice_node, number) for number in range(3)]
    bobs = [squirrel(bob_node, number) for number in range(2)]
    outcome = gossip_with(alice_node, bob_node.as_peer(), transport, rng)
    assert not outcome.in_sync
    assert outcome.pulled is not None and outcome.pulled.accepted == bobs
    assert outcome.pushed == 3
    assert alice_node.store.records() == bob_node.store.records()
    assert sorted(alice_node.store.records(), key=lambda r: r.seq)[-1] in alices
    assert bob_node.peers.knows(alice_node.node_id)  # from the "from" of her request


def test_nodes_in_sync_only_trade_a_probe(alice_node, bob_node, transport, rng):
    squirrel(alice_node)
    gossip_with(alice_node, bob_node.as_peer(), transport, rng)
    before = transport.bytes_carried
    outcome = gossip_with(bob_node, alice_node.as_peer(), transport, rng)
    assert outcome.in_sync and outcome.pulled is None
    assert transport.bytes_carried - before < 600


def test_a_peer_that_fails_does_not_stop_the_round(alice_node, bob_node, rng):
    carol = node_of("carol")
    nodes = {n.node_id: n for n in (alice_node, bob_node, carol)}

    class FlakyTransport(InProcessTransport):
        def probe(self, peer, request):
            if peer.node_id == bob_node.node_id:
                raise PeerError("connection refused")
            return super().probe(peer, request)

    alice_node.learn([bob_node.as_peer(), carol.as_peer()])
    squirrel(alice_node)
    outcomes = gossip_round(alice_node, FlakyTransport(nodes, rng), random.Random(1), fanout=3)
    assert [o.peer.node_id for o in outcomes] == [carol.node_id]
    assert carol.store.digest() == alice_node.store.digest()


def test_the_updates_answer_lists_what_was_refused_and_why(alice_node, bob_node, mallory_key):
    good = squirrel(alice_node, 1).wire()
    forged = squirrel(alice_node, 2).wire()
    del forged["sig"]
    request = UpdatesRequest(
        sender=alice_node.as_peer(), updates=[good, good, signed_as(mallory_key, forged)]
    )
    answer = answer_updates(bob_node, request)
    assert (answer.accepted, answer.ignored) == (1, 1)
    assert [(r.seq, r.reason[:13]) for r in answer.rejected] == [(2, "bad signature")]
