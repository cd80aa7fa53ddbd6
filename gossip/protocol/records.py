"""A sighting record: one signed version of one public sighting, as it travels.

A record's `seq` numbers it among everything its origin has published; an update
to a sighting is a new record, with a higher seq, that lists in `replaces` the
seqs of every earlier version of that sighting. A deletion is the same, with
`deleted: true` and the sighting's data emptied: a tombstone.

A record is read twice over. Its signature is checked over the canonical JSON of
its fields exactly as they came (`signed_bytes`: an integer stays an integer, and
fields this version does not know are kept), and a receiver keeps and passes on
that text; the model's fields are what the record *means*, checked and typed
(`lat` 52 reads as 52.0). So a check or a conversion here can never change what
was signed. The three extension fields (`id`, `deleted`, `replaces`) may be
missing: such a record, from a node that speaks protocol v1 as first specified,
is the first version of its sighting, with an id derived from origin and seq.
"""

import json
import uuid
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    ModelWrapValidatorHandler,
    PrivateAttr,
    ValidationError,
    model_validator,
)

from gossip.protocol.fields import (
    HttpsUrl,
    LabelText,
    NodeId,
    Seq,
    SightingId,
    Signature,
    Timestamp,
)
from gossip.protocol.limits import MAX_LABELS, MAX_PRECISION_M, MAX_RECORD_BYTES, MAX_REPLACES
from gossip.protocol.signing import NodeKey, canonical_json, signature_valid

# strict: no quiet conversions ("5" is not 5, true is not 1). ignore: a field this
# version does not know is not read, but it stays in the signed text and travels on.
RECORD = ConfigDict(strict=True, extra="ignore", frozen=True)
# The namespace of the ids derived for records without an `id` (docs/gossip.md).
FIRST_VERSION_IDS = uuid.UUID("23fdbbf4-f3af-4dfb-b038-f84d881486c9")
Confidence = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]


def first_version_id(origin: str, seq: int) -> str:
    """The sighting id of a record that names none: the same on every node."""
    return str(uuid.uuid5(FIRST_VERSION_IDS, f"{origin}:{seq}"))


class Label(BaseModel):
    model_config = RECORD

    label: LabelText
    confidence: Confidence


class Location(BaseModel):
    """The public position: the true one of an open sighting, the coarsened one otherwise."""

    model_config = RECORD

    lat: Annotated[float, Field(ge=-90.0, le=90.0, allow_inf_nan=False)]
    lon: Annotated[float, Field(ge=-180.0, le=180.0, allow_inf_nan=False)]
    # How far the true position may be from this one; null when nobody knows.
    precision_m: Annotated[float, Field(ge=0.0, le=MAX_PRECISION_M, allow_inf_nan=False)] | None


class RecordBody(BaseModel):
    """Everything the origin signs: a record without its `sig`."""

    model_config = RECORD

    origin: NodeId
    seq: Seq
    id: SightingId  # the sighting, the same in every version of it
    published_at: Timestamp
    observed_at: Timestamp | None
    labels: Annotated[list[Label], Field(max_length=MAX_LABELS)]
    location: Location | None
    image_url: HttpsUrl | None
    thumb_url: HttpsUrl | None
    deleted: bool = False
    replaces: Annotated[list[Seq], Field(max_length=MAX_REPLACES)] = []
    # The canonical JSON of every field as received but `sig`: what the origin signed.
    _signed: bytes = PrivateAttr(default=b"")

    @model_validator(mode="wrap")
    @classmethod
    def _as_received(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        if not isinstance(data, dict):
            return handler(data)  # not an object (refused), or a record already
        meaning = data
        if "id" not in data:  # a first version from a node without the extensions
            meaning = {**data, "id": first_version_id(data.get("origin", ""), data.get("seq", 0))}
        record = handler(meaning)
        record._signed = _signed_form(data)
        return record

    @model_validator(mode="after")
    def _replaces_earlier_versions(self) -> Self:
        if self.replaces != sorted(set(self.replaces)) or any(s >= self.seq for s in self.replaces):
            raise ValueError("replaces must list earlier seqs, ascending, each once")
        return self

    @model_validator(mode="after")
    def _tombstone_is_empty(self) -> Self:
        if not self.deleted:
            return self
        if not self.replaces:
            raise ValueError("a tombstone must replace the records it deletes")
        kept = (self.observed_at, self.location, self.image_url, self.thumb_url)
        if self.labels or any(value is not None for value in kept):
            raise ValueError("a tombstone carries no sighting data")
        return self

    def covers(self) -> list[int]:
        """The seqs this record stands for: the versions it replaces, then its own."""
        return [*self.replaces, self.seq]

    def signed_bytes(self) -> bytes:
        return self._signed


def _signed_form(data: dict[str, Any]) -> bytes:
    """The canonical JSON of `data` without `sig`, if it has one of at most MAX_RECORD_BYTES."""
    try:
        signed = canonical_json({name: value for name, value in data.items() if name != "sig"})
    except (TypeError, ValueError, RecursionError):
        # NaN or an infinity (1e400 reads as one), a lone surrogate, a 5000-digit number.
        raise ValueError("has a value canonical JSON cannot write") from None
    if len(signed) > MAX_RECORD_BYTES:
        raise ValueError(f"is {len(signed)} bytes in canonical form, at most {MAX_RECORD_BYTES}")
    return signed


class Record(RecordBody):
    """A signed record: `sig` is the origin's signature of the canonical body."""

    sig: Signature

    def signature_valid(self) -> bool:
        return signature_valid(self.origin, self.signed_bytes(), self.sig)

    def wire(self) -> dict[str, JsonValue]:
        """The record as a JSON object, every field exactly as signed (plus `sig`)."""
        fields: dict[str, JsonValue] = json.loads(self.signed_bytes())
        return {**fields, "sig": self.sig}

    def wire_text(self) -> str:
        """`wire()` as canonical JSON text: how a store keeps it."""
        return canonical_json(self.wire()).decode("utf-8")


def record_sign(key: NodeKey, fields: dict[str, JsonValue]) -> Record:
    """Sign a record body with the origin's key; `origin` is filled in from the key.

    The body is checked first, and what is signed and sent is the checked form with
    every field, the three extensions included: a float stays a float (12.0).
    """
    body = RecordBody.model_validate({**fields, "origin": key.node_id})
    checked = body.model_dump(mode="json")
    return Record.model_validate({**checked, "sig": key.sign(canonical_json(checked))})


def record_parse(data: object) -> Record | str:
    """The record in `data` (parsed JSON), or why it is not one (its signature unchecked)."""
    try:
        return Record.model_validate(data)
    except ValidationError as error:
        return validation_reason(error)


def validation_reason(error: ValidationError, whole: str = "record") -> str:
    """Where and why, e.g. "location.lat: Input should be less than or equal to 90".

    Only the messages, never the offending input: it may be 10 kB of junk. A problem
    with the whole thing (not JSON at all) is put down to `whole`.
    """
    reasons = []
    for problem in error.errors(include_input=False, include_url=False)[:3]:
        where = ".".join(str(part) for part in problem["loc"]) or whole
        reasons.append(f"{where}: {problem['msg']}")
    return "; ".join(reasons)
