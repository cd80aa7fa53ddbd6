"""Reads about the gossip network: for the peers page and the map's popups."""

import random
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.db.models import F

from gossip.models import HeldRecord, Peer, Watermark


@dataclass(frozen=True)
class PeerRow:
    peer: Peer
    watermark: int  # this node holds every record the peer published up to this seq


def peer_hosts(*, node_ids: Collection[str]) -> dict[str, str]:
    """The host (and port) of each of these nodes that answered this node as a peer
    (a candidate's address is only what someone claimed)."""
    if not node_ids:
        return {}
    rows = Peer.objects.reached().filter(node_id__in=node_ids).values_list("node_id", "base_url")
    return {node_id: urlsplit(url).netloc for node_id, url in rows}


def peers_overview() -> list[PeerRow]:
    """Every peer that ever answered, most recently heard from first, with how much of it
    is held here. Candidates (heard of, never reached) are counted, not listed."""
    watermarks = dict(Watermark.objects.values_list("origin", "seq"))
    peers = Peer.objects.reached().order_by(F("last_contact").desc(), "first_seen")
    return [PeerRow(peer, watermarks.get(peer.node_id, 0)) for peer in peers]


def candidates_count() -> int:
    return Peer.objects.candidates().count()


def peers_to_call(*, now: datetime, fanout: int, rng: random.Random) -> list[Peer]:
    """Up to `fanout` peers for a round, at random among those not backing off.

    All candidates together get the chance of one peer, so that addresses anyone can
    make up never crowd out the peers that answer: a round calls one candidate at most.
    """
    due = Peer.objects.due(now)
    reached = list(due.reached().order_by("?")[:fanout])
    candidate = due.candidates().order_by("?").first()
    if candidate is None or rng.random() >= fanout / (due.reached().count() + 1):
        return reached
    return [*reached[: fanout - 1], candidate]


def records_held() -> int:
    """Current records held, this node's own and its peers', tombstones included."""
    return HeldRecord.objects.count()
