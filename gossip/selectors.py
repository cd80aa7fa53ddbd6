"""Reads about the gossip network: for the peers page and the map's popups."""

from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db.models import F

from gossip.models import HeldRecord, Peer, Watermark


@dataclass(frozen=True)
class PeerRow:
    peer: Peer
    watermark: int  # this node holds every record the peer published up to this seq


def peer_hosts(*, node_ids: Collection[str]) -> dict[str, str]:
    """The host (and port) of each of these nodes that this node knows as a peer."""
    if not node_ids:
        return {}
    rows = Peer.objects.filter(node_id__in=node_ids).values_list("node_id", "base_url")
    return {node_id: urlsplit(url).netloc for node_id, url in rows}


def peers_overview() -> list[PeerRow]:
    """Every known peer, most recently heard from first, with how much of it is held here."""
    watermarks = dict(Watermark.objects.values_list("origin", "seq"))
    peers = Peer.objects.order_by(F("last_contact").desc(nulls_last=True), "first_seen")
    return [PeerRow(peer, watermarks.get(peer.node_id, 0)) for peer in peers]


def records_held() -> int:
    """Current records held, this node's own and its peers', tombstones included."""
    return HeldRecord.objects.count()
