"""Who this node is: its key pair, made at first use and kept in the database.

Gossip is on when BIRDAI_GOSSIP_BASE_URL names this deployment's public https URL;
without it there is nowhere peers could call back, so nothing is published or asked.
"""

from django.conf import settings

from gossip.database import DbPeerBook, DbStore, Follower
from gossip.models import NodeIdentity
from gossip.protocol.node import Node
from gossip.protocol.signing import NodeKey


def gossip_enabled() -> bool:
    return bool(settings.GOSSIP_BASE_URL)


def node_key() -> NodeKey:
    """This node's key pair; the first call ever makes it.

    The web processes and the worker may all start at once: get_or_create lets one
    of them make the row and the others read it (the keys the others made unused).
    """
    fresh = NodeKey.generate()
    identity, _ = NodeIdentity.objects.get_or_create(
        id=1, defaults={"node_id": fresh.node_id, "private_key": fresh.private_bytes()}
    )
    return NodeKey.from_private_bytes(bytes(identity.private_key))


def this_node(*, follow: Follower | None = None) -> Node:
    """This node as the protocol core sees it, on the database (see DbStore for `follow`)."""
    key = node_key()
    return Node(
        key=key,
        base_url=settings.GOSSIP_BASE_URL,
        store=DbStore(own_id=key.node_id, follow=follow),
        peers=DbPeerBook(own_id=key.node_id),
    )
