"""A node and its answers to the three requests peers make of it.

The answers are pure functions of the node's state and the request: the HTTP
endpoints (later) parse a body, call one, and write its result back; the
simulation calls them directly. The node that calls is in gossip.protocol.round.
"""

import random
from dataclasses import dataclass

from gossip.protocol.exchange import delta, digest_sha256, merge
from gossip.protocol.messages import (
    ExchangeRequest,
    ExchangeResponse,
    Info,
    Peer,
    ProbeRequest,
    ProbeResponse,
    Rejected,
    UpdatesRequest,
    UpdatesResponse,
)
from gossip.protocol.peers import PeerBook, peers_learn, peers_to_share
from gossip.protocol.signing import NodeKey
from gossip.protocol.store import Store


@dataclass
class Node:
    key: NodeKey
    base_url: str
    store: Store
    peers: PeerBook

    @property
    def node_id(self) -> str:
        return self.key.node_id

    def as_peer(self) -> Peer:
        return Peer(node_id=self.node_id, base_url=self.base_url)

    def info(self) -> Info:
        return Info(node_id=self.node_id, base_url=self.base_url)

    def learn(self, peers: list[Peer]) -> None:
        peers_learn(self.peers, peers, own_id=self.node_id)

    def share(self, rng: random.Random, leave_out: str) -> list[Peer]:
        return peers_to_share(self.peers, rng, leave_out=leave_out)


def answer_probe(node: Node, request: ProbeRequest, rng: random.Random) -> ProbeResponse:
    """The hash of this node's digest: if it equals the caller's, there is nothing to do."""
    node.learn([request.sender, *request.peers])
    return ProbeResponse(
        digest_sha256=digest_sha256(node.store.digest()),
        peers=node.share(rng, leave_out=request.sender.node_id),
    )


def answer_exchange(node: Node, request: ExchangeRequest, rng: random.Random) -> ExchangeResponse:
    """This node's digest, so the caller can push, and what the caller lacks (the pull)."""
    node.learn([request.sender, *request.peers])
    return ExchangeResponse(
        digest=node.store.digest(),
        updates=[record.wire() for record in delta(node.store, request.digest)],
        peers=node.share(rng, leave_out=request.sender.node_id),
    )


def answer_updates(node: Node, request: UpdatesRequest) -> UpdatesResponse:
    """Take in the records the caller pushed; say what became of them."""
    node.learn([request.sender])
    result = merge(node.store, request.updates)
    return UpdatesResponse(
        accepted=len(result.accepted),
        ignored=len(result.ignored),
        rejected=[Rejected(origin=r.origin, seq=r.seq, reason=r.reason) for r in result.rejected],
    )
