"""The messages of protocol version 1, with their limits, and their bytes on the wire.

Records travel inside messages as plain JSON objects, not as Record models: a
message with one bad record is still a good message, and the receiver drops that
record alone (gossip.protocol.exchange.merge). A message that breaks a limit (a digest of
100,000 entries, 501 records, 21 peers) is refused whole.

Unknown fields are ignored in messages, so a later version can add some; in a
record they are kept as received and passed on, because the signature covers them
(gossip.protocol.records).
"""

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, JsonValue

from gossip.protocol.fields import BaseUrl, NodeId, Seq, Sha256
from gossip.protocol.limits import MAX_DIGEST_ENTRIES, MAX_PEERS, MAX_UPDATES, PROTOCOL_VERSION


def at_most(limit: int, what: str) -> BeforeValidator:
    """Refuse a list or object longer than `limit` before looking at a single entry."""

    def check(value: object) -> object:
        if isinstance(value, list | dict) and len(value) > limit:
            raise ValueError(f"has {len(value)} {what}, at most {limit}")
        return value

    return BeforeValidator(check)


MESSAGE = ConfigDict(strict=True, extra="ignore", frozen=True, validate_by_name=True)

Digest = Annotated[dict[NodeId, Seq], at_most(MAX_DIGEST_ENTRIES, "entries")]
Updates = Annotated[list[dict[str, JsonValue]], at_most(MAX_UPDATES, "records")]


class Peer(BaseModel):
    model_config = MESSAGE

    node_id: NodeId
    base_url: BaseUrl


Peers = Annotated[list[Peer], at_most(MAX_PEERS, "peers")]


class Info(BaseModel):
    """GET /gossip/v1/info"""

    model_config = MESSAGE

    node_id: NodeId
    base_url: BaseUrl
    protocol: Literal[1] = PROTOCOL_VERSION


# "from" is a Python keyword: the field is `sender` here, "from" on the wire.


class ProbeRequest(BaseModel):
    """POST /gossip/v1/probe: are we in sync? Only the digest's hash travels."""

    model_config = MESSAGE

    sender: Peer = Field(validation_alias="from", serialization_alias="from")
    digest_sha256: Sha256
    peers: Peers


class ProbeResponse(BaseModel):
    model_config = MESSAGE

    digest_sha256: Sha256
    peers: Peers


class ExchangeRequest(BaseModel):
    """POST /gossip/v1/exchange: here is my digest, send me what I lack."""

    model_config = MESSAGE

    sender: Peer = Field(validation_alias="from", serialization_alias="from")
    digest: Digest
    peers: Peers


class ExchangeResponse(BaseModel):
    model_config = MESSAGE

    digest: Digest
    updates: Updates  # what the caller lacks, by (origin, slot)
    peers: Peers


class UpdatesRequest(BaseModel):
    """POST /gossip/v1/updates: the records the responder lacked, pushed back."""

    model_config = MESSAGE

    sender: Peer = Field(validation_alias="from", serialization_alias="from")
    updates: Updates


class Rejected(BaseModel):
    model_config = MESSAGE

    origin: Annotated[str, Field(max_length=64)] | None
    seq: int | None
    reason: Annotated[str, Field(max_length=1000)]


class UpdatesResponse(BaseModel):
    model_config = MESSAGE

    accepted: int
    ignored: int
    rejected: Annotated[list[Rejected], at_most(MAX_UPDATES, "records")]


type Message = (
    Info
    | ProbeRequest
    | ProbeResponse
    | ExchangeRequest
    | ExchangeResponse
    | UpdatesRequest
    | UpdatesResponse
)


def encode(message: Message) -> bytes:
    """The message as its JSON body: compact, UTF-8, with "from" spelled so."""
    return message.model_dump_json(by_alias=True).encode("utf-8")


def decode[M: BaseModel](kind: type[M], body: bytes) -> M:
    """The message of type `kind` in a JSON body; pydantic.ValidationError if it is not one."""
    return kind.model_validate_json(body)
