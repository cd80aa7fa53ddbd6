"""Writes to the public map: every change to a Sighting, and to its cluster counts, is here.

This app sits above submissions and below gossip: it never calls gossip. gossip.sharing
calls sighting_publish for each change in the submissions outbox and sighting_receive
for each peer record it keeps, and does the gossip side of each in the same transaction.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.utils import timezone

from map.grid import CLUSTER_BELOW_ZOOM, cell_index
from map.models import ClusterCell, Sighting
from map.selectors import submission_labels, submission_observed_at
from submissions.models import Submission
from submissions.selectors import public_position

logger = logging.getLogger(__name__)

# A public point and its label, as the cluster counts see a sighting: (lon, lat, label).
type Mark = tuple[float, float, str]

# Adds to a cell's counts, creating the row if it is the cell's first sighting.
ADD_TO_CELL = """
    INSERT INTO map_clustercell (level, x, y, label, count, lon_sum, lat_sum)
    VALUES (%s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (level, x, y, label) DO UPDATE SET
        count = map_clustercell.count + excluded.count,
        lon_sum = map_clustercell.lon_sum + excluded.lon_sum,
        lat_sum = map_clustercell.lat_sum + excluded.lat_sum
"""
INSERT_COUNTS = """
    INSERT INTO map_clustercell (level, x, y, label, count, lon_sum, lat_sum)
    SELECT %s, counts.x, counts.y, counts.label, counts.count, counts.lon_sum, counts.lat_sum
    FROM ({counts}) AS counts
"""


@dataclass(frozen=True)
class Publication:
    """What sighting_publish did: the public row as it is now, or the one it took away."""

    sighting: Sighting | None = None
    withdrawn: uuid.UUID | None = None  # the id of a row that stopped being public


def sighting_publish(*, submission_id: uuid.UUID) -> Publication:
    """Make the submission's public row match its current state.

    Classified, with a position and not private: a row at its public position.
    Anything else, a deleted submission included: no row. Calling it again changes
    nothing. gossip.sharing calls it for every change the submissions outbox
    records, and tells peers of the result in the same transaction.
    """
    with transaction.atomic():
        # Locked, so that a classification finishing while the owner changes the
        # geoprivacy cannot leave the row of a state that is already gone.
        current = Submission.objects.select_for_update().filter(pk=submission_id).first()
        sighting = Sighting.objects.filter(submission_id=submission_id).first()
        before = _mark(sighting)
        public = None if current is None else public_position(current)
        if current is None or public is None:
            withdrawn = None if sighting is None else sighting.id
            if sighting is not None:
                sighting.delete()
            _counts_move(before, None)
            return Publication(withdrawn=withdrawn)
        sighting = sighting or Sighting(submission=current, owner_id=current.owner_id)
        sighting.point, sighting.precision_m = public.point, public.precision_m
        _copy_labels_and_time(current, sighting)
        sighting.save()
        _counts_move(before, _mark(sighting))
        return Publication(sighting=sighting)


@dataclass(frozen=True)
class PeerSighting:
    """A sighting as another deployment shared it (a gossip record, in the map's terms)."""

    id: uuid.UUID
    origin: str  # the peer's node id
    origin_host: str  # where that peer is, when this node knows it; "" if not
    seq: int
    lon: float
    lat: float
    precision_m: float | None
    labels: list[dict[str, Any]]  # [{label, confidence}], in any order
    observed_at: datetime
    published_at: datetime
    image_url: str
    thumb_url: str


def sighting_receive(*, peer_sighting: PeerSighting) -> Sighting | None:
    """Show a peer's sighting on the map as this, its newest version, has it.

    Called by gossip for every record of another origin that it keeps, inside the
    transaction (and under the lock) that keeps it; a tombstone, or a version
    without a position or time, goes to sighting_forget instead.
    """
    sighting = Sighting.objects.filter(pk=peer_sighting.id).first()
    if sighting is not None and sighting.origin != peer_sighting.origin:
        # Ids are UUIDs, so only a node that lies meets one it does not own.
        logger.warning(
            "map: %s seq %s claims another's sighting", peer_sighting.origin, peer_sighting.seq
        )
        return None
    before = _mark(sighting)
    sighting = sighting or Sighting(id=peer_sighting.id, origin=peer_sighting.origin)
    _copy_peer_sighting(peer_sighting, sighting)
    sighting.save()
    _counts_move(before, _mark(sighting))
    return sighting


def sightings_origin_host_set(*, origin: str, host: str) -> int:
    """Where a peer is now, on each of its sightings (the map's popups name it)."""
    return Sighting.objects.filter(origin=origin).exclude(origin_host=host).update(origin_host=host)


def sighting_forget(*, origin: str, sighting_id: str) -> None:
    """Take a peer's sighting off the map: its origin deleted it, or made it private."""
    sighting = Sighting.objects.filter(pk=sighting_id, origin=origin).exclude(origin="").first()
    if sighting is not None:
        before = _mark(sighting)
        sighting.delete()
        _counts_move(before, None)


def cluster_cells_rebuild() -> int:
    """Count every cell again from the sightings; returns how many cells hold some.

    For after a bulk load (the benchmark), or after sightings changed without these
    services, such as when deleting a user takes their sightings with it.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        # Writers wait until we commit; readers go on reading the old counts.
        cursor.execute("LOCK TABLE map_clustercell IN EXCLUSIVE MODE")
        ClusterCell.objects.all().delete()
        for level in range(CLUSTER_BELOW_ZOOM):
            sql, params = Sighting.objects.cell_counts(level).query.sql_with_params()
            cursor.execute(INSERT_COUNTS.format(counts=sql), [level, *params])
    return ClusterCell.objects.count()


def _copy_labels_and_time(submission: Submission, sighting: Sighting) -> None:
    labels = submission_labels(submission)
    sighting.labels = labels
    sighting.label = labels[0]["label"] if labels else ""
    sighting.confidence = labels[0]["confidence"] if labels else None
    sighting.observed_at = submission_observed_at(submission)
    sighting.published_at = timezone.now()


def _copy_peer_sighting(peer_sighting: PeerSighting, sighting: Sighting) -> None:
    labels = sorted(peer_sighting.labels, key=lambda label: -label["confidence"])
    sighting.seq = peer_sighting.seq
    sighting.origin_host = peer_sighting.origin_host
    sighting.point = Point(peer_sighting.lon, peer_sighting.lat, srid=4326)
    sighting.precision_m = peer_sighting.precision_m
    sighting.labels = labels
    sighting.label = labels[0]["label"] if labels else ""
    sighting.confidence = labels[0]["confidence"] if labels else None
    sighting.observed_at = peer_sighting.observed_at
    sighting.published_at = peer_sighting.published_at
    sighting.image_url = peer_sighting.image_url
    sighting.thumb_url = peer_sighting.thumb_url


def _mark(sighting: Sighting | None) -> Mark | None:
    return None if sighting is None else (sighting.point.x, sighting.point.y, sighting.label)


def _counts_move(before: Mark | None, after: Mark | None) -> None:
    """Take a sighting out of the cluster counts where it was and add it where it is."""
    if before == after:
        return
    changes: dict[tuple[int, int, int, str], list[float]] = {}
    for mark, sign in ((before, -1), (after, 1)):
        if mark is None:
            continue
        lon, lat, label = mark
        for level in range(CLUSTER_BELOW_ZOOM):
            change = changes.setdefault((level, *cell_index(lon, lat, level), label), [0, 0.0, 0.0])
            change[0] += sign
            change[1] += sign * lon
            change[2] += sign * lat
    # Always in the same (sorted) order, so two writers lock the rows in the same order
    # and cannot deadlock.
    rows = [(*key, int(count), lon, lat) for key, (count, lon, lat) in sorted(changes.items())]
    with connection.cursor() as cursor:
        cursor.executemany(ADD_TO_CELL, rows)
