"""The protocol core's Store and PeerBook (gossip/protocol/) on PostgreSQL.

DbStore is what the deployed node holds. Every batch of writes (a merge, a
publication) runs in one transaction holding one PostgreSQL advisory lock, so
batches never interleave: two of them could otherwise both take an origin's next
seq. Reads need no lock; each is one query.

DbPeerBook is the peers this node knows. Addresses heard in gossip are hearsay;
each passes the peers client's address check before it is kept, so nobody can
make this node call into its own network, and stays a candidate (not shown, not
passed on, at most MAX_CANDIDATES of them) until it answers a call.

These two write as the core calls them: they are the core's interfaces, the one
place outside services.py that writes (docs/architecture.md says why).
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from gossip.client import base_url_refusal
from gossip.models import MAX_CANDIDATES, HeldRecord, Peer, Slot, Watermark
from gossip.protocol import messages
from gossip.protocol.records import Record

log = logging.getLogger(__name__)
# Any fixed number will do, as long as nothing else in the database locks it.
STORE_LOCK = 0x6B1D_5105

type Follower = Callable[[Record], None]


class DbStore:
    def __init__(self, *, own_id: str, follow: Follower | None = None) -> None:
        """`follow` is called with every record of another origin this store keeps,
        in the same transaction: gossip.services passes the map's update there."""
        self.own_id = own_id
        self.follow = follow

    @contextmanager
    def batch(self) -> Iterator[None]:
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Held until the transaction ends; taking it again inside is allowed.
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [STORE_LOCK])
            yield

    def watermark(self, origin: str) -> int:
        seq = Watermark.objects.filter(origin=origin).values_list("seq", flat=True).first()
        return seq or 0

    def digest(self) -> dict[str, int]:
        return dict(Watermark.objects.values_list("origin", "seq"))

    def covering(self, origin: str, seq: int) -> Record | None:
        slot = Slot.objects.filter(origin=origin, seq=seq).select_related("record").first()
        return None if slot is None else _parse(slot.record)

    def sighting(self, origin: str, sighting_id: str) -> Record | None:
        held = HeldRecord.objects.filter(origin=origin, sighting_id=sighting_id).first()
        return None if held is None else _parse(held)

    def records_from(self, origin: str, seq: int, limit: int) -> list[Record]:
        found: dict[int, Record] = {}  # by record id, in the order first met: slot order
        while len(found) < limit:
            # Usually one page: a page of `limit` slots holds `limit` records unless
            # some of them are newer versions that fill several slots.
            page = list(
                Slot.objects.filter(origin=origin, seq__gte=seq)
                .order_by("seq")
                .select_related("record")[:limit]
            )
            for slot in page:
                if slot.record_id not in found and len(found) < limit:
                    found[slot.record_id] = _parse(slot.record)
            if len(page) < limit:
                break
            seq = page[-1].seq + 1
        return list(found.values())

    def keep(self, record: Record, watermark: int) -> None:
        with self.batch():
            # The version it replaces goes, and its slots with it; the new one fills
            # them all again, since `replaces` lists every earlier seq.
            HeldRecord.objects.filter(origin=record.origin, sighting_id=record.id).delete()
            held = HeldRecord.objects.create(
                origin=record.origin,
                seq=record.seq,
                sighting_id=record.id,
                deleted=record.deleted,
                wire=record.wire_text(),  # every field as signed, unknown ones too
            )
            Slot.objects.bulk_create(
                [Slot(origin=record.origin, seq=seq, record=held) for seq in record.covers()]
            )
            Watermark.objects.update_or_create(origin=record.origin, defaults={"seq": watermark})
            if record.origin != self.own_id and self.follow is not None:
                self.follow(record)


def _parse(held: HeldRecord) -> Record:
    return Record.model_validate_json(held.wire)


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
        if refusal is None and Peer.objects.candidates().count() >= MAX_CANDIDATES:
            refusal = f"{MAX_CANDIDATES} peers heard of are waiting to be reached already"
        if refusal is not None:
            log.info("gossip: not keeping peer %s: %s", peer.node_id, refusal)
            return
        # get_or_create: another request may be adding the same peer right now.
        Peer.objects.get_or_create(node_id=peer.node_id, defaults={"base_url": peer.base_url})
