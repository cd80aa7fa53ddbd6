"""The worker's periodic job: one round of gossip, every BIRDAI_GOSSIP_INTERVAL seconds.

Never inside a web request: a round waits on other nodes over the network. Each
round picks up to BIRDAI_GOSSIP_FANOUT peers at random among those not backing
off (one candidate at most: see selectors.peers_to_call), and runs the protocol
core's exchange (gossip/protocol/round.py) with each through the peers client. A
node that has never reached any peer first asks its seeds (BIRDAI_GOSSIP_SEEDS)
who they are.
"""

import logging

from django.conf import settings
from django.utils import timezone

from gossip.client import PeersClient
from gossip.identity import gossip_enabled, node_key
from gossip.models import Peer
from gossip.protocol import messages
from gossip.protocol.node import Node
from gossip.protocol.round import Outcome, PeerError, gossip_with
from gossip.selectors import peers_to_call
from gossip.services import (
    RNG,
    gossip_node,
    inbound_counts_prune,
    peer_answered,
    peer_failed,
    peer_introduce,
    peers_forget_silent,
)

log = logging.getLogger(__name__)


def gossip_round_run() -> int:
    """One round; returns how many peers answered."""
    if not gossip_enabled():
        return 0
    now = timezone.now()
    peers_forget_silent(now=now)
    inbound_counts_prune(now=now)
    node = gossip_node()
    client = PeersClient.from_settings()
    if not Peer.objects.filter(last_contact__isnull=False).exists():
        seeds_introduce(node=node, client=client)
    answered = 0
    round_peers = peers_to_call(now=timezone.now(), fanout=settings.GOSSIP_FANOUT, rng=RNG)
    for peer in round_peers:
        answered += gossip_with_peer(node=node, peer=peer, client=client)
    return answered


def seeds_introduce(*, node: Node, client: PeersClient) -> None:
    """Ask each seed not known yet for its node id, and keep those that answer as peers."""
    for base_url in settings.GOSSIP_SEEDS:
        if base_url == node.base_url or Peer.objects.filter(base_url=base_url).exists():
            continue
        try:
            info = client.info(base_url)
        except PeerError as error:
            log.warning("gossip: seed %s: %s", base_url, error)
            continue
        if info.node_id != node.node_id:
            peer_introduce(info=info, base_url=base_url)


def gossip_with_peer(*, node: Node, peer: Peer, client: PeersClient) -> bool:
    """One exchange; the peer's state (contact, back-off) follows. True if it answered."""
    address = messages.Peer(node_id=peer.node_id, base_url=peer.base_url)
    try:
        if peer.last_contact is None:
            candidate_check(peer=address, client=client)
        outcome = gossip_with(node, address, client, RNG)
    except PeerError as error:
        log.warning("gossip: %s… at %s: %s", peer.node_id[:8], peer.base_url, error)
        peer_failed(peer=peer, error=str(error))
        return False
    received = len(outcome.pulled.accepted) if outcome.pulled else 0
    peer_answered(peer=peer, received=received)
    _log_outcome(outcome, received)
    return True


def candidate_check(*, peer: messages.Peer, client: PeersClient) -> None:
    """A candidate is only someone's word for where a node is: it must answer as that node."""
    info = client.info(peer.base_url)
    if info.node_id != peer.node_id:
        raise PeerError(f"answers as {info.node_id[:8]}…, not as the node it was said to be")


def gossip_status() -> str:
    """One line for the worker to say at start: whether gossip is on, and how."""
    if not gossip_enabled():
        return "Gossip is off: set BIRDAI_GOSSIP_BASE_URL to share sightings with peers."
    seeds = ", ".join(settings.GOSSIP_SEEDS) or "none"
    return (
        f"Gossip as {node_key().node_id} at {settings.GOSSIP_BASE_URL}: a round every "
        f"{settings.GOSSIP_INTERVAL} s with up to {settings.GOSSIP_FANOUT} peers; seeds: {seeds}."
    )


def _log_outcome(outcome: Outcome, received: int) -> None:
    if received or outcome.pushed:
        rejected = len(outcome.pulled.rejected) if outcome.pulled else 0
        log.info(
            "gossip: %s…: kept %d, rejected %d, sent %d",
            outcome.peer.node_id[:8],
            received,
            rejected,
            outcome.pushed,
        )
