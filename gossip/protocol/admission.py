"""What a receiver does with one incoming record: keep it, ignore it, or reject it.

The cheap checks come first, and the signature (the costly one) only for a record
that passed them: so a node verifies each record once, not each time it comes.
"""

from dataclasses import dataclass

from gossip.protocol.limits import MAX_DIGEST_ENTRIES
from gossip.protocol.records import Record, record_parse
from gossip.protocol.store import Store


@dataclass(frozen=True)
class Refusal:
    """A record not kept, and why; origin and seq as far as they could be read."""

    origin: str | None
    seq: int | None
    reason: str
    already_held: bool = False  # the normal lot of gossip, not an error


def admit(store: Store, data: object) -> Record | Refusal:
    """Keep the record in `data` (parsed JSON) if it is valid and next in line."""
    record = record_parse(data)
    if isinstance(record, str):
        return Refusal(_field(data, "origin", str), _field(data, "seq", int), record)
    problem = _out_of_line(store, record) or _no_room(store, record)
    if problem is not None:
        return problem
    if not record.signature_valid():
        return _refuse(record, "bad signature: not signed by its origin, or altered since")
    problem = _inconsistent(store, record)
    if problem is not None:
        return problem
    store.keep(record, _watermark_after(store, record))
    return record


def _out_of_line(store: Store, record: Record) -> Refusal | None:
    """Already held, or not the next record for this origin (a gap), or None: next in line.

    A record is next in line when the first slot it fills that the receiver lacks is
    the one right after the watermark. A seq above the watermark can already be held:
    a newer version that replaced it was kept first.
    """
    watermark = store.watermark(record.origin)
    if record.seq <= watermark or store.covering(record.origin, record.seq) is not None:
        return _refuse(record, f"seq {record.seq} is already held", already_held=True)
    lacking = [seq for seq in record.covers() if store.covering(record.origin, seq) is None]
    if lacking[0] != watermark + 1:
        reason = f"gap: this node holds up to seq {watermark}; seq {watermark + 1} must come first"
        return _refuse(record, reason)
    return None


def _no_room(store: Store, record: Record) -> Refusal | None:
    """A new origin when the digest is full: its messages would break the digest limit.

    Anyone can make origins (a key pair is free), so without this a flood of them
    would make every digest too long to send, and gossip would stop for everyone.
    """
    if store.watermark(record.origin) == 0 and len(store.digest()) >= MAX_DIGEST_ENTRIES:
        return _refuse(record, f"this node already holds records of {MAX_DIGEST_ENTRIES} origins")
    return None


def _inconsistent(store: Store, record: Record) -> Refusal | None:
    """A record that contradicts what the node holds of the same sighting."""
    current = store.sighting(record.origin, record.id)
    left_over = set(current.covers()) - set(record.replaces) if current else set()
    if left_over:
        return _refuse(record, f"does not replace seq {min(left_over)}, a version of its sighting")
    for seq in record.replaces:
        holder = store.covering(record.origin, seq)
        if holder is not None and holder.id != record.id:
            return _refuse(record, f"replaces seq {seq}, which is another sighting")
    return None


def _watermark_after(store: Store, record: Record) -> int:
    """The origin's watermark once `record` fills its slots."""
    filled = set(record.covers())
    watermark = store.watermark(record.origin)
    while watermark + 1 in filled or store.covering(record.origin, watermark + 1) is not None:
        watermark += 1
    return watermark


def _refuse(record: Record, reason: str, *, already_held: bool = False) -> Refusal:
    return Refusal(record.origin, record.seq, reason, already_held)


def _field[T](data: object, name: str, kind: type[T]) -> T | None:
    """One field of something that failed to parse, if it is there and of the right kind."""
    value = data.get(name) if isinstance(data, dict) else None
    if isinstance(value, str):
        value = value[:64]  # quoted in logs: never a 10 kB string
    return value if isinstance(value, kind) and not isinstance(value, bool) else None
