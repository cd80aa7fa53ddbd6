"""A Transport that calls the other node's answers directly, in the same process.

Each message is turned into its JSON bytes and parsed back, as HTTP would carry
it, so the bytes it counts are the bytes a deployment would send.
"""

import random
from dataclasses import dataclass, field

from gossip.protocol.messages import (
    ExchangeRequest,
    ExchangeResponse,
    Message,
    Peer,
    ProbeRequest,
    ProbeResponse,
    UpdatesRequest,
    UpdatesResponse,
    decode,
    encode,
)
from gossip.protocol.node import Node, answer_exchange, answer_probe, answer_updates


@dataclass
class InProcessTransport:
    """Carries each message as JSON bytes to the other node's answer, counting them.

    `answering` holds the nodes as they answer: the live ones, or in lockstep the
    round's snapshots. Records pushed in lockstep wait in `pushed` for the round's end.
    """

    nodes: dict[str, Node]
    rng: random.Random
    answering: dict[str, Node] = field(init=False)
    pushed: list[tuple[Node, UpdatesRequest]] | None = None
    bytes_carried: int = 0

    def __post_init__(self) -> None:
        self.answering = self.nodes

    def probe(self, peer: Peer, request: ProbeRequest) -> ProbeResponse:
        answer = answer_probe(self.answering[peer.node_id], self._carry(request), self.rng)
        return self._carry(answer)

    def exchange(self, peer: Peer, request: ExchangeRequest) -> ExchangeResponse:
        answer = answer_exchange(self.answering[peer.node_id], self._carry(request), self.rng)
        return self._carry(answer)

    def updates(self, peer: Peer, request: UpdatesRequest) -> UpdatesResponse:
        if self.pushed is None:
            return self._carry(answer_updates(self.nodes[peer.node_id], self._carry(request)))
        self.pushed.append((self.nodes[peer.node_id], self._carry(request)))
        return UpdatesResponse(accepted=0, ignored=0, rejected=[])  # the real one comes later

    def deliver_pushed(self) -> None:
        for node, request in self.pushed or []:
            self._carry(answer_updates(node, request))
        self.pushed = None

    def _carry[M: Message](self, message: M) -> M:
        body = encode(message)
        self.bytes_carried += len(body)
        return decode(type(message), body)
