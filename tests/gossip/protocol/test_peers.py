"""Peers: learnt from messages, never oneself, never re-addressed by hearsay, never too many."""

from gossip.protocol.messages import Peer
from gossip.protocol.peers import MemoryPeerBook, peers_learn, peers_to_share
from tests.gossip.actors import key_of


def peer(name: str, host: str | None = None) -> Peer:
    return Peer(node_id=key_of(name).node_id, base_url=f"https://{host or name}.example")


def test_a_node_learns_new_peers_but_not_itself():
    book = MemoryPeerBook()
    added = peers_learn(
        book, [peer("alice"), peer("bob"), peer("bob")], own_id=key_of("alice").node_id
    )
    assert added == [peer("bob")]
    assert book.known() == [peer("bob")]


def test_hearsay_never_moves_a_known_peer():
    book = MemoryPeerBook()
    peers_learn(book, [peer("bob")], own_id="me")
    peers_learn(book, [peer("bob", host="mallory")], own_id="me")
    assert book.known() == [peer("bob")]


def test_the_peer_book_stops_growing_at_its_limit():
    book = MemoryPeerBook()
    peers_learn(book, [peer(f"node-{n}") for n in range(30)], own_id="me", limit=25)
    assert book.count() == 25


def test_a_node_shares_a_random_few_and_not_the_peer_it_talks_to(rng):
    book = MemoryPeerBook()
    peers_learn(book, [peer(f"node-{n}") for n in range(30)], own_id="me")
    shared = peers_to_share(book, rng, leave_out=peer("node-3").node_id, count=20)
    assert len(shared) == 20 == len({p.node_id for p in shared})
    assert peer("node-3") not in shared
    small = MemoryPeerBook()
    peers_learn(small, [peer("bob")], own_id="me")
    assert peers_to_share(small, rng, leave_out=peer("bob").node_id) == []
