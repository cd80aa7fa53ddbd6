"""The calling side of gossip: one push-pull exchange with a peer, and a round of them.

The calls go through a Transport: HTTP in the deployed node (the one peers client,
later), direct function calls in the simulation. Both drive this same code.
"""

import logging
import random
from dataclasses import dataclass
from typing import Protocol

from gossip.protocol.exchange import MergeResult, delta, digest_sha256, merge
from gossip.protocol.messages import (
    ExchangeRequest,
    ExchangeResponse,
    Peer,
    ProbeRequest,
    ProbeResponse,
    UpdatesRequest,
    UpdatesResponse,
)
from gossip.protocol.node import Node

log = logging.getLogger(__name__)


class PeerError(Exception):
    """A peer could not be reached or answered with an error; the round goes on."""


class Transport(Protocol):
    def probe(self, peer: Peer, request: ProbeRequest) -> ProbeResponse: ...

    def exchange(self, peer: Peer, request: ExchangeRequest) -> ExchangeResponse: ...

    def updates(self, peer: Peer, request: UpdatesRequest) -> UpdatesResponse: ...


@dataclass(frozen=True)
class Outcome:
    peer: Peer
    in_sync: bool  # the probe found nothing to do
    pulled: MergeResult | None = None
    pushed: int = 0  # records sent to the peer


def gossip_with(node: Node, peer: Peer, transport: Transport, rng: random.Random) -> Outcome:
    """Probe a peer; unless already in sync, exchange digests, pull, then push."""
    digest = node.store.digest()
    probe = ProbeRequest(
        sender=node.as_peer(),
        digest_sha256=digest_sha256(digest),
        peers=node.share(rng, leave_out=peer.node_id),
    )
    answer = transport.probe(peer, probe)
    node.learn(answer.peers)
    if answer.digest_sha256 == probe.digest_sha256:
        return Outcome(peer, in_sync=True)
    request = ExchangeRequest(sender=node.as_peer(), digest=digest, peers=[])
    reply = transport.exchange(peer, request)
    node.learn(reply.peers)
    pulled = merge(node.store, reply.updates)
    # Against the peer's digest as it was: what it sent us is in it already.
    push = delta(node.store, reply.digest)
    if push:
        transport.updates(
            peer, UpdatesRequest(sender=node.as_peer(), updates=[r.wire() for r in push])
        )
    return Outcome(peer, in_sync=False, pulled=pulled, pushed=len(push))


def gossip_round(
    node: Node, transport: Transport, rng: random.Random, fanout: int
) -> list[Outcome]:
    """Gossip with `fanout` peers picked at random from those the node knows."""
    known = node.peers.known()
    outcomes = []
    for peer in rng.sample(known, min(fanout, len(known))):
        try:
            outcomes.append(gossip_with(node, peer, transport, rng))
        except PeerError as error:
            log.warning("gossip: %s at %s: %s", peer.node_id, peer.base_url, error)
    return outcomes
