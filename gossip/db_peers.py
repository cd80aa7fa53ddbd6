"""The PeerBook of gossip/peers.py on the database: the peers this node knows.

Addresses heard in gossip are hearsay; each passes the peers client's address
check before it is kept, so nobody can make this node call into its own network.
"""

import logging

from gossip import messages
from gossip.models import Peer
from gossip.peers_client import base_url_refusal

log = logging.getLogger(__name__)


class DbPeerBook:
    def __init__(self, *, own_id: str) -> None:
        self.own_id = own_id

    def known(self) -> list[messages.Peer]:
        """The peers this node passes on to others: only those that answered it.

        A node vouches for what it has seen work, not for everything it heard of.
        """
        rows = Peer.objects.answered().values_list("node_id", "base_url")
        return [messages.Peer(node_id=node_id, base_url=url) for node_id, url in rows]

    def knows(self, node_id: str) -> bool:
        return Peer.objects.filter(node_id=node_id).exists()

    def count(self) -> int:
        return Peer.objects.count()

    def add(self, peer: messages.Peer) -> None:
        refusal = base_url_refusal(peer.base_url)
        if refusal is not None:
            log.info("gossip: not keeping peer %s: %s", peer.node_id, refusal)
            return
        # get_or_create: another request may be adding the same peer right now.
        Peer.objects.get_or_create(node_id=peer.node_id, defaults={"base_url": peer.base_url})
