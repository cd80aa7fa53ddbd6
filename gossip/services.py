"""Writes of the gossip runtime: answering peers, keeping their state, the rate limit.

The answers themselves are the protocol core's (gossip/node.py); here they get
this node on the database, whose store puts every peer record it keeps on the map.
"""

import logging
import random
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DataError, connection, transaction
from django.db.models import F
from django.utils import timezone

from gossip.identity import gossip_enabled, node_key, this_node
from gossip.messages import (
    ExchangeRequest,
    ExchangeResponse,
    Info,
    ProbeRequest,
    ProbeResponse,
    UpdatesRequest,
    UpdatesResponse,
)
from gossip.models import HeldRecord, InboundCount, Peer
from gossip.node import Node, answer_exchange, answer_probe, answer_updates
from gossip.publishing import own_record_withdraw
from gossip.records import Record
from map.models import Sighting
from map.services import sighting_publish, sighting_receive

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
    return this_node(follow=_onto_the_map)


def _onto_the_map(record: Record) -> None:
    """A kept record's map row (a tombstone takes it off), in a savepoint of its own.

    A record that is valid yet holds a value the table cannot (DataError) would
    otherwise undo its whole batch, in every exchange, and stop gossip for good.
    """
    try:
        with transaction.atomic():
            sighting_receive(record=record)
    except DataError:
        log.exception("gossip: %s seq %s cannot go on the map", record.origin, record.seq)


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
    deleted, _ = Peer.objects.silent_for(FORGET_AFTER, now).delete()
    return deleted


def inbound_admit(*, client: str, now: datetime) -> int:
    """Count one request from `client`: 0 if it is within BIRDAI_GOSSIP_RATE a minute,
    else the seconds until the next minute, when it may ask again."""
    minute = now.replace(second=0, microsecond=0)
    with connection.cursor() as cursor:
        cursor.execute(COUNT_REQUEST, [client[:64], minute])
        (count,) = cursor.fetchone() or (0,)
    return 0 if count <= settings.GOSSIP_RATE else 60 - now.second


def inbound_counts_prune(*, now: datetime) -> int:
    deleted, _ = InboundCount.objects.filter(minute__lt=now - timedelta(minutes=2)).delete()
    return deleted


def own_records_reconcile() -> int:
    """Bring this node's records in line with its public sightings; returns the changes.

    sighting_publish keeps them in step, but not for what bypasses it: sightings made
    public while gossip was off, and sightings deleted by cascade (deleting a user).
    The worker runs this on a timer, and once at start.
    """
    if not gossip_enabled():
        return 0
    own = node_key().node_id
    live = HeldRecord.objects.filter(origin=own, deleted=False)
    local = Sighting.objects.filter(origin="")
    changes = 0
    for sighting in local.exclude(id__in=live.values("sighting_id")).select_related("submission"):
        if sighting.submission is not None:
            sighting_publish(submission=sighting.submission)  # under its submission's lock
            changes += 1
    for sighting_id in live.exclude(sighting_id__in=local.values("id")).values_list(
        "sighting_id", flat=True
    ):
        changes += own_record_withdraw(sighting_id=str(sighting_id)) is not None
    return changes
