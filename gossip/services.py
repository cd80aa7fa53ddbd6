"""Writes of the gossip runtime: answering peers, keeping their state, the rate limit.

The answers themselves are the protocol core's (gossip/protocol/node.py); here they get
this node on the database, whose store puts every peer record it keeps on the map.
"""

import logging
import random
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DataError, connection, transaction
from django.db.models import F
from django.utils import timezone

from gossip.identity import gossip_enabled, node_key, this_node
from gossip.models import HeldRecord, InboundCount, Peer
from gossip.protocol.messages import (
    ExchangeRequest,
    ExchangeResponse,
    Info,
    ProbeRequest,
    ProbeResponse,
    UpdatesRequest,
    UpdatesResponse,
)
from gossip.protocol.node import Node, answer_exchange, answer_probe, answer_updates
from gossip.protocol.records import Record
from gossip.selectors import peer_hosts
from gossip.sharing import own_record_withdraw, submission_share
from map.models import Sighting
from map.services import (
    PeerSighting,
    sighting_forget,
    sighting_receive,
    sightings_origin_host_set,
)
from submissions.models import Submission

log = logging.getLogger(__name__)
RNG = random.SystemRandom()  # which peers to share, and back-off jitter: unguessable
BACKOFF_CAP = timedelta(hours=1)
FORGET_AFTER = timedelta(days=7)  # a peer silent this long is dropped
COUNT_REQUEST = """
    INSERT INTO gossip_inboundcount (client, minute, count) VALUES (%s, %s, 1)
    ON CONFLICT (client, minute) DO UPDATE SET count = gossip_inboundcount.count + 1
    RETURNING count
"""


def gossip_node() -> Node:
    """This node for the endpoints and the round: peers' records it keeps go on the map."""
    return this_node(follow=peer_record_show)


def peer_record_show(record: Record) -> None:
    """A kept peer record's map row (a tombstone takes it off), in a savepoint of its own.

    A record that is valid yet holds a value the table cannot (DataError) would
    otherwise undo its whole batch, in every exchange, and stop gossip for good.
    """
    try:
        with transaction.atomic():
            peer_sighting = _peer_sighting(record)
            if peer_sighting is None:
                sighting_forget(origin=record.origin, sighting_id=record.id)
            else:
                sighting_receive(peer_sighting=peer_sighting)
    except DataError:
        log.exception("gossip: %s seq %s cannot go on the map", record.origin, record.seq)


def _peer_sighting(record: Record) -> PeerSighting | None:
    """The record in the map's terms; None for one the map cannot show (a tombstone)."""
    # The map needs a time: when the photo was taken, else when its origin published it.
    published_at = _instant(record.published_at)
    observed_at = _instant(record.observed_at) or published_at
    if record.deleted or record.location is None or observed_at is None:
        return None
    return PeerSighting(
        id=uuid.UUID(record.id),
        origin=record.origin,
        origin_host=peer_hosts(node_ids={record.origin}).get(record.origin, ""),
        seq=record.seq,
        lon=record.location.lon,
        lat=record.location.lat,
        precision_m=record.location.precision_m,
        labels=[label.model_dump() for label in record.labels],
        observed_at=observed_at,
        published_at=published_at or timezone.now(),
        image_url=record.image_url or "",
        thumb_url=record.thumb_url or "",
    )


def _instant(text: str | None) -> datetime | None:
    """A record's timestamp in UTC; None if there is none the database can hold.

    A valid RFC 3339 time can still leave Python's years 1-9999 once moved to UTC
    (0001-01-01T00:00:00+14:00): signed by its origin, such a record would otherwise
    fail every batch it came in, in every exchange, for good.
    """
    try:
        return None if text is None else datetime.fromisoformat(text).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def info_answer() -> Info:
    return Info(node_id=node_key().node_id, base_url=settings.GOSSIP_BASE_URL)


def probe_answer(*, request: ProbeRequest) -> ProbeResponse:
    return answer_probe(gossip_node(), request, RNG)


def exchange_answer(*, request: ExchangeRequest) -> ExchangeResponse:
    return answer_exchange(gossip_node(), request, RNG)


def updates_answer(*, request: UpdatesRequest) -> UpdatesResponse:
    answer = answer_updates(gossip_node(), request)
    # Counted by the sender's claimed id: hearsay, but only ever shown on the peers page.
    peer_records_count(node_id=request.sender.node_id, received=answer.accepted)
    return answer


def peer_introduce(*, info: Info, base_url: str) -> None:
    """A seed answered its `info` call: keep it as a peer at the address it was reached at."""
    now = timezone.now()
    Peer.objects.get_or_create(
        node_id=info.node_id, defaults={"base_url": base_url, "last_contact": now}
    )


def peer_answered(*, peer: Peer, received: int) -> None:
    now = timezone.now()
    Peer.objects.filter(pk=peer.pk).update(
        last_contact=now, failures=0, last_error="", next_attempt_at=now
    )
    peer_records_count(node_id=peer.node_id, received=received)
    # Its sightings that arrived before this node knew where it is name it now.
    sightings_origin_host_set(origin=peer.node_id, host=urlsplit(peer.base_url).netloc)


def peer_failed(*, peer: Peer, error: str) -> None:
    """Back off exponentially: the interval, doubled with each failure in a row, up to an hour.

    The ±25 % jitter keeps the nodes that lost the same peer from calling it in step.
    """
    failures = peer.failures + 1
    doubled = settings.GOSSIP_INTERVAL * 2 ** (min(failures, 20) - 1)
    delay = min(BACKOFF_CAP.total_seconds(), doubled) * RNG.uniform(0.75, 1.25)
    next_attempt = timezone.now() + timedelta(seconds=delay)
    Peer.objects.filter(pk=peer.pk).update(
        failures=failures, last_error=error[:500], next_attempt_at=next_attempt
    )


def peer_records_count(*, node_id: str, received: int) -> None:
    if received:
        Peer.objects.filter(node_id=node_id).update(
            records_received=F("records_received") + received
        )


def peers_forget_silent(*, now: datetime) -> int:
    """Drop the peers silent for a week, and the candidates that never answered."""
    deleted, _ = Peer.objects.silent_for(FORGET_AFTER, now).delete()
    given_up, _ = Peer.objects.given_up(now).delete()
    return deleted + given_up


def inbound_admit(*, client: str, now: datetime, rate: int | None = None) -> int:
    """Count one request from `client`: 0 if it is within `rate` a minute (by default
    BIRDAI_GOSSIP_RATE), else the seconds until the next minute, when it may ask again.

    Also the site's own rate limits (birdai/ratelimit.py), with keys of their own."""
    minute = now.replace(second=0, microsecond=0)
    with connection.cursor() as cursor:
        cursor.execute(COUNT_REQUEST, [client[:64], minute])
        (count,) = cursor.fetchone() or (0,)
    limit = settings.GOSSIP_RATE if rate is None else rate
    return 0 if count <= limit else 60 - now.second


def inbound_counts_prune(*, now: datetime) -> int:
    deleted, _ = InboundCount.objects.filter(minute__lt=now - timedelta(minutes=2)).delete()
    return deleted


def own_records_reconcile() -> int:
    """Catch up with what bypassed the outbox; returns the changes.

    The outbox keeps the map and the records in step, but not for what went past
    the services: a submission deleted behind their back (its sighting is left for
    this to remove, since it is not cascaded), and, with gossip on, sightings made
    public while gossip was off. The worker runs this on a timer, and once at start.
    """
    local = Sighting.objects.filter(origin="")
    gone = local.exclude(submission_id__in=Submission.objects.values("pk"))
    changes = 0
    for submission_id in gone.filter(submission_id__isnull=False).values_list(
        "submission_id", flat=True
    ):
        submission_share(submission_id=submission_id)
        changes += 1
    if not gossip_enabled():
        return changes
    live = HeldRecord.objects.filter(origin=node_key().node_id, deleted=False)
    unshared = local.exclude(id__in=live.values("sighting_id")).filter(submission_id__isnull=False)
    for submission_id in unshared.values_list("submission_id", flat=True):
        submission_share(submission_id=submission_id)
        changes += 1
    for sighting_id in live.exclude(sighting_id__in=local.values("id")).values_list(
        "sighting_id", flat=True
    ):
        changes += own_record_withdraw(sighting_id=str(sighting_id)) is not None
    return changes
