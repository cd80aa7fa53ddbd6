"""Who a node knows: it learns peers from the messages it gets, and shares a few.

Peer addresses in gossip are hearsay: nothing signs them. So a node never lets
gossip change the address of a peer it already knows (mallory could otherwise
say "alice now lives at my address"), and never holds more than MAX_KNOWN_PEERS.
Records need no such care: their signatures make them safe from anyone.
"""

import random
from collections.abc import Iterable
from typing import Protocol

from gossip.protocol.limits import MAX_KNOWN_PEERS, PEERS_SHARED
from gossip.protocol.messages import Peer


class PeerBook(Protocol):
    def known(self) -> list[Peer]: ...

    def knows(self, node_id: str) -> bool: ...

    def count(self) -> int: ...

    def add(self, peer: Peer) -> None: ...


class MemoryPeerBook:
    """A PeerBook in a dictionary: for tests and the simulation."""

    def __init__(self) -> None:
        self._peers: dict[str, Peer] = {}

    def known(self) -> list[Peer]:
        return list(self._peers.values())

    def knows(self, node_id: str) -> bool:
        return node_id in self._peers

    def count(self) -> int:
        return len(self._peers)

    def add(self, peer: Peer) -> None:
        self._peers[peer.node_id] = peer


def peers_learn(
    book: PeerBook, peers: Iterable[Peer], *, own_id: str, limit: int = MAX_KNOWN_PEERS
) -> list[Peer]:
    """Add the peers not known yet (never the node itself); returns those added."""
    added = []
    for peer in peers:
        if book.count() >= limit:
            break
        if peer.node_id != own_id and not book.knows(peer.node_id):
            book.add(peer)
            added.append(peer)
    return added


def peers_to_share(
    book: PeerBook, rng: random.Random, *, leave_out: str, count: int = PEERS_SHARED
) -> list[Peer]:
    """A random few known peers for a message, leaving out the peer it goes to."""
    known = book.known()
    chosen = rng.sample(known, min(count + 1, len(known)))
    return [peer for peer in chosen if peer.node_id != leave_out][:count]
