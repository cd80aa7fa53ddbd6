"""A network of gossiping nodes in one process, driving the real exchange code.

Every message is turned into its JSON bytes and parsed back on the other side,
as HTTP would carry it, so the bytes counted are the bytes a deployment sends,
and every record is checked and verified by each node that takes it.

The scenario (docs/benchmarks.md, "Gossip"):
- Bootstrap: each node is configured with one peer, a node that joined before
  it, picked at random (so the first node is everyone's ancestor, but no star);
  everything else it learns from the peers lists of the exchanges.
- News: `origins` nodes each publish `records` sightings, then change one
  (a new version replaces it) and delete another (a tombstone), before gossip starts.
- Rounds: in each round every node, in a random order, gossips with `fanout`
  peers it knows, picked at random. Two models of time: in *lockstep* every node
  answers from its state at the start of the round and what is pushed to it lands
  at the end, so news moves at most one hop a round (the textbook model, and the
  slower); in *turns* a node passes on in the same round what earlier exchanges
  brought it, as deployments whose timers are not in step do.
"""

import random
import uuid
from dataclasses import dataclass, field

from gossip.protocol.exchange import digest_sha256
from gossip.protocol.in_process import InProcessTransport
from gossip.protocol.messages import ExchangeRequest
from gossip.protocol.node import Node
from gossip.protocol.origin import publish, unpublish
from gossip.protocol.peers import MemoryPeerBook, peers_learn
from gossip.protocol.round import gossip_round, gossip_with
from gossip.protocol.signing import NodeKey
from gossip.protocol.store import MemoryStore


@dataclass
class Network:
    nodes: list[Node]
    rng: random.Random
    transport: InProcessTransport = field(init=False)

    def __post_init__(self) -> None:
        self.transport = InProcessTransport({n.node_id: n for n in self.nodes}, self.rng)

    def run_round(self, fanout: int, *, lockstep: bool = False) -> int:
        """One round, in lockstep or in turns (see above); returns how many exchanges it made."""
        if lockstep:
            self.transport.answering = {n.node_id: _snapshot(n) for n in self.nodes}
            self.transport.pushed = []
        exchanges = 0
        for node in self.rng.sample(self.nodes, len(self.nodes)):
            exchanges += len(gossip_round(node, self.transport, self.rng, fanout))
        self.transport.deliver_pushed()
        self.transport.answering = self.transport.nodes
        return exchanges

    def converged(self) -> bool:
        """Every node holds every origin's records: all digests are the same."""
        first = digest_sha256(self.nodes[0].store.digest())
        return all(digest_sha256(node.store.digest()) == first for node in self.nodes[1:])

    def exchange_bytes(self, caller: Node, callee: Node) -> int:
        """The bytes, both ways, of one exchange between two nodes."""
        before = self.transport.bytes_carried
        gossip_with(caller, callee.as_peer(), self.transport, self.rng)
        return self.transport.bytes_carried - before

    def full_exchange_bytes(self, caller: Node, callee: Node) -> int:
        """The bytes of the same exchange with no probe first: both digests in full."""
        before = self.transport.bytes_carried
        peers = caller.share(self.rng, leave_out=callee.node_id)
        request = ExchangeRequest(
            sender=caller.as_peer(), digest=caller.store.digest(), peers=peers
        )
        self.transport.exchange(callee.as_peer(), request)
        return self.transport.bytes_carried - before


def build_network(nodes: int, origins: int, records: int, seed: int) -> Network:
    """`nodes` nodes on a random bootstrap tree; `origins` of them have news (see above)."""
    rng = random.Random(seed)  # noqa: S311 (a reproducible simulation, not a secret)
    network = Network([_node(index, rng) for index in range(nodes)], rng)
    for index, node in enumerate(network.nodes[1:], start=1):
        ancestor = network.nodes[rng.randrange(index)]
        peers_learn(node.peers, [ancestor.as_peer()], own_id=node.node_id)
    for node in rng.sample(network.nodes, origins):
        publish_news(node, records, rng)
    return network


def publish_news(node: Node, records: int, rng: random.Random) -> None:
    """`records` sightings; then the first gets a new version, the second a tombstone."""
    sightings = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(records)]
    for sighting_id in sightings:
        _publish_one(node, sighting_id, rng)
    if records >= 2:
        _publish_one(node, sightings[0], rng)
        unpublish(node, sighting_id=sightings[1])


def _publish_one(node: Node, sighting_id: str, rng: random.Random) -> None:
    publish(
        node,
        sighting_id=sighting_id,
        observed_at="2026-05-17T08:30:00+02:00",
        labels=[{"label": rng.choice(["squirrel", "bird", "cat"]), "confidence": 0.87}],
        location={"lat": rng.uniform(-60, 70), "lon": rng.uniform(-180, 180), "precision_m": 25.0},
        image_url=f"{node.base_url}/media/{sighting_id}.jpg",
        thumb_url=f"{node.base_url}/media/{sighting_id}-thumb.jpg",
    )


def _snapshot(node: Node) -> Node:
    """The node as it is now, to answer from; peers it learns still reach the real one."""
    assert isinstance(node.store, MemoryStore)
    return Node(node.key, node.base_url, node.store.copy(), node.peers)


def _node(index: int, rng: random.Random) -> Node:
    return Node(
        key=NodeKey.from_private_bytes(rng.randbytes(32)),
        base_url=f"https://node-{index:04d}.birdai.example",
        store=MemoryStore(),
        peers=MemoryPeerBook(),
    )
