"""A sighting record: one signed version of one public sighting, as it travels.

Every field is always present (null where empty), so that the signed text has one
spelling. A record's `seq` numbers it among everything its origin has published;
an update to a sighting is a new record, with a higher seq, that lists in
`replaces` the seqs of every earlier version of that sighting. A deletion is the
same, with `deleted: true` and the sighting's data emptied: a tombstone.
"""

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError, model_validator

from gossip.fields import HttpsUrl, LabelText, NodeId, Seq, SightingId, Signature, Timestamp
from gossip.limits import MAX_LABELS, MAX_PRECISION_M, MAX_REPLACES
from gossip.signing import NodeKey, canonical_json, signature_valid

# strict: no quiet conversions ("5" is not 5, true is not 1); forbid: no unknown fields,
# which the signature would cover but no version-1 node could read.
STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)
Confidence = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]


class Label(BaseModel):
    model_config = STRICT

    label: LabelText
    confidence: Confidence


class Location(BaseModel):
    """The public position: the true one of an open sighting, the coarsened one otherwise."""

    model_config = STRICT

    lat: Annotated[float, Field(ge=-90.0, le=90.0, allow_inf_nan=False)]
    lon: Annotated[float, Field(ge=-180.0, le=180.0, allow_inf_nan=False)]
    # How far the true position may be from this one; null when nobody knows.
    precision_m: Annotated[float, Field(ge=0.0, le=MAX_PRECISION_M, allow_inf_nan=False)] | None


class RecordBody(BaseModel):
    """Everything the origin signs: a record without its `sig`."""

    model_config = STRICT

    origin: NodeId
    seq: Seq
    id: SightingId  # the sighting, the same in every version of it
    published_at: Timestamp
    observed_at: Timestamp | None
    labels: Annotated[list[Label], Field(max_length=MAX_LABELS)]
    location: Location | None
    image_url: HttpsUrl | None
    thumb_url: HttpsUrl | None
    deleted: bool
    replaces: Annotated[list[Seq], Field(max_length=MAX_REPLACES)]

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
        return canonical_json(self.model_dump(mode="json", exclude={"sig"}))


class Record(RecordBody):
    """A signed record: `sig` is the origin's signature of the canonical body."""

    sig: Signature

    def signature_valid(self) -> bool:
        return signature_valid(self.origin, self.signed_bytes(), self.sig)

    def wire(self) -> dict[str, JsonValue]:
        """The record as a JSON object, exactly as it was signed (plus `sig`)."""
        return self.model_dump(mode="json")


def record_sign(key: NodeKey, fields: dict[str, JsonValue]) -> Record:
    """Sign a record body with the origin's key; `origin` is filled in from the key.

    The body is checked first and the signature made over the checked form, so what
    is signed is exactly what every receiver will rebuild and verify.
    """
    body = RecordBody.model_validate({**fields, "origin": key.node_id})
    return Record.model_validate(
        {**body.model_dump(mode="json"), "sig": key.sign(body.signed_bytes())}
    )


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
