"""Where a node keeps records: the interface the protocol needs, and one in memory.

Think of each origin's records as a log with one slot per seq, 1, 2, 3… A slot
holds the record with that seq, or, once a newer version of the same sighting has
replaced it, points at that newer record: replaced data is gone, the numbering
has no holes. A node's *watermark* for an origin is the length of the unbroken
run of filled slots from seq 1; its digest lists the watermark of every origin.

The database store (gossip/database.py) implements the same methods over the
ORM; the in-memory one serves the tests and the simulation.
"""

from contextlib import AbstractContextManager, nullcontext
from typing import Protocol

from gossip.protocol.records import Record


class Store(Protocol):
    def batch(self) -> AbstractContextManager[object]:
        """Hold the store for one batch of checks and writes (a merge, a publication).

        Admitting a record reads the store, then writes to it; two batches at once
        could both take the same next seq. In memory there is one caller at a time;
        in the database this is a transaction holding a lock.
        """
        ...

    def watermark(self, origin: str) -> int:
        """Every seq of `origin` up to this one is filled; 0 when none is."""
        ...

    def digest(self) -> dict[str, int]:
        """The watermark of every origin this node holds records of."""
        ...

    def covering(self, origin: str, seq: int) -> Record | None:
        """The record that fills slot `seq`: the record with that seq, or its replacement."""
        ...

    def sighting(self, origin: str, sighting_id: str) -> Record | None:
        """The current record (newest version) of one sighting."""
        ...

    def records_from(self, origin: str, seq: int, limit: int) -> list[Record]:
        """At most `limit` records filling slots `seq`, `seq`+1…, each once, in slot order."""
        ...

    def keep(self, record: Record, watermark: int) -> None:
        """Hold `record` as its sighting's current version, in every slot it covers
        (dropping the version it replaces), and set the origin's watermark."""
        ...


class MemoryStore:
    """A Store in dictionaries: for tests and the in-process simulation."""

    def __init__(self) -> None:
        self._records: dict[tuple[str, int], Record] = {}  # (origin, seq): current records
        self._slots: dict[str, dict[int, int]] = {}  # origin: {slot: seq of the record there}
        self._current: dict[tuple[str, str], int] = {}  # (origin, sighting id): its seq
        self._watermarks: dict[str, int] = {}

    def batch(self) -> AbstractContextManager[object]:
        return nullcontext()  # one caller at a time: nothing to hold

    def watermark(self, origin: str) -> int:
        return self._watermarks.get(origin, 0)

    def digest(self) -> dict[str, int]:
        return dict(self._watermarks)

    def covering(self, origin: str, seq: int) -> Record | None:
        holder = self._slots.get(origin, {}).get(seq)
        return None if holder is None else self._records[origin, holder]

    def sighting(self, origin: str, sighting_id: str) -> Record | None:
        seq = self._current.get((origin, sighting_id))
        return None if seq is None else self._records[origin, seq]

    def records_from(self, origin: str, seq: int, limit: int) -> list[Record]:
        slots = self._slots.get(origin, {})
        found: dict[int, Record] = {}  # in the order first met: slot order
        for slot in sorted(s for s in slots if s >= seq):
            if len(found) == limit:
                break
            found.setdefault(slots[slot], self._records[origin, slots[slot]])
        return list(found.values())

    def keep(self, record: Record, watermark: int) -> None:
        earlier = self._current.get((record.origin, record.id))
        if earlier is not None:
            del self._records[record.origin, earlier]
        self._records[record.origin, record.seq] = record
        self._current[record.origin, record.id] = record.seq
        slots = self._slots.setdefault(record.origin, {})
        for seq in record.covers():
            slots[seq] = record.seq
        self._watermarks[record.origin] = watermark

    def copy(self) -> "MemoryStore":
        """A snapshot: later changes to either store leave the other as it was."""
        twin = MemoryStore()
        twin._records = dict(self._records)  # records are immutable: sharing them is safe
        twin._slots = {origin: dict(slots) for origin, slots in self._slots.items()}
        twin._current = dict(self._current)
        twin._watermarks = dict(self._watermarks)
        return twin

    def records(self) -> list[Record]:
        """Every current record, by (origin, seq): for tests and the simulation."""
        return [self._records[key] for key in sorted(self._records)]
