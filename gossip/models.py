"""What a node keeps in its database: its key, the records it holds, the peers it knows.

The records are kept the way docs/gossip.md pictures them: one log per origin with
a slot per seq. `HeldRecord` holds each sighting's current version, exactly as its
origin signed it; `Slot` says which record fills each seq (its own, or the newer
version that replaced it), so that "the records from seq n on" is one index scan;
`Watermark` holds each origin's unbroken run of filled slots: the digest.
"""

from datetime import datetime, timedelta
from typing import Self

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

NODE_ID_CHARS = 43  # an Ed25519 public key in unpadded base64url
# A peer heard of in gossip is only a candidate until it answers: addresses in gossip
# are hearsay, so made-up ones are never shown or passed on, and are dropped after
# CANDIDATE_TRIES failed calls, or CANDIDATE_TTL after they were first heard of.
CANDIDATE_TRIES = 3
CANDIDATE_TTL = timedelta(days=1)
MAX_CANDIDATES = 100  # at once: beyond that, new ones wait until some are dropped


class NodeIdentity(models.Model):
    """This node's Ed25519 key pair: one row, made at first use (gossip.identity).

    The private key *is* the node: whoever holds it can publish in the node's name.
    It is never shown in a page, an answer, a log or the admin.
    """

    node_id = models.CharField(max_length=NODE_ID_CHARS, unique=True)
    private_key = models.BinaryField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="gossip_one_identity")]

    def __str__(self) -> str:
        return self.node_id

    def __repr__(self) -> str:
        return f"<NodeIdentity {self.node_id}>"  # never the private key


class HeldRecord(models.Model):
    """The current version of one sighting of one origin (or its tombstone)."""

    origin = models.CharField(max_length=NODE_ID_CHARS)
    seq = models.BigIntegerField()
    sighting_id = models.UUIDField()
    deleted = models.BooleanField()
    # The record in canonical JSON, every field as received (unknown ones too) and its
    # sig: passed on to peers unchanged. Text, not jsonb, because jsonb would re-spell
    # numbers (1e+16 comes back as an integer, 1000.0 as 1000) and break the signature.
    wire = models.TextField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["origin", "seq"], name="gossip_record_seq"),
            models.UniqueConstraint(
                fields=["origin", "sighting_id"], name="gossip_record_sighting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.origin[:8]}… seq {self.seq}"


class Slot(models.Model):
    """Seq `seq` of `origin`'s log, and the record that fills it now."""

    origin = models.CharField(max_length=NODE_ID_CHARS)
    seq = models.BigIntegerField()
    record = models.ForeignKey(HeldRecord, on_delete=models.CASCADE, related_name="slots")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["origin", "seq"], name="gossip_slot_seq")]

    def __str__(self) -> str:
        return f"{self.origin[:8]}… slot {self.seq}"


class Watermark(models.Model):
    """Every seq of `origin` up to `seq` is filled: this origin's entry in the digest."""

    origin = models.CharField(max_length=NODE_ID_CHARS, unique=True)
    seq = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.origin[:8]}… up to {self.seq}"


class PeerQuerySet(models.QuerySet["Peer"]):
    def answered(self) -> Self:
        """Peers that answered the last time this node called them."""
        return self.filter(last_contact__isnull=False, failures=0)

    def reached(self) -> Self:
        """Peers that answered this node at least once: the ones it shows and vouches for."""
        return self.filter(last_contact__isnull=False)

    def candidates(self) -> Self:
        """Peers heard of in gossip that have not answered yet."""
        return self.filter(last_contact__isnull=True)

    def given_up(self, now: datetime) -> Self:
        """Candidates tried CANDIDATE_TRIES times in vain, or heard of too long ago."""
        hopeless = Q(failures__gte=CANDIDATE_TRIES) | Q(first_seen__lt=now - CANDIDATE_TTL)
        return self.candidates().filter(hopeless)

    def due(self, now: datetime) -> Self:
        """Peers whose back-off (if any) is over."""
        return self.filter(next_attempt_at__lte=now)

    def silent_for(self, silence: timedelta, now: datetime) -> Self:
        """Peers that have not answered for `silence` (or, never reached, first heard of
        that long ago)."""
        return self.alias(heard=Coalesce("last_contact", "first_seen")).filter(
            heard__lt=now - silence
        )


class Peer(models.Model):
    """Another node this one knows: from its seeds, or heard of in gossip (a candidate
    until it answers, see CANDIDATE_TRIES)."""

    node_id = models.CharField(max_length=NODE_ID_CHARS, unique=True)
    base_url = models.CharField(max_length=200)
    first_seen = models.DateTimeField(default=timezone.now)
    last_contact = models.DateTimeField(null=True, blank=True)  # when it last answered us
    last_error = models.CharField(max_length=500, blank=True)
    failures = models.PositiveIntegerField(default=0)  # calls failed in a row
    next_attempt_at = models.DateTimeField(default=timezone.now)  # the back-off
    records_received = models.BigIntegerField(default=0)  # records from it this node kept

    objects = PeerQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.node_id[:8]}… at {self.base_url}"


class InboundCount(models.Model):
    """Requests one address made to the gossip endpoints in one minute: the rate limit.

    In the database rather than a per-process cache, so that every web process
    counts against the same limit.
    """

    client = models.CharField(max_length=64)  # an IP address
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "minute"], name="gossip_inbound_minute")
        ]

    def __str__(self) -> str:
        return f"{self.client} at {self.minute:%H:%M}: {self.count}"
