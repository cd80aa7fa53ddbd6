"""Writes to the public map: every change to a Sighting, and to its cluster counts, is here."""

import logging
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.utils import timezone

from birdai.submissions.models import Submission
from gossip.publishing import own_record_publish, own_record_withdraw
from gossip.records import Record
from map.geoprivacy import farthest_corner_m, obscure
from map.grid import CLUSTER_BELOW_ZOOM, cell_index
from map.models import ClusterCell, Sighting
from map.selectors import submission_labels, submission_observed_at

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


def sighting_publish(*, submission: Submission) -> Sighting | None:
    """Make the submission's public row match its current state, and return that row.

    Classified, with a position and not private: a row at its public position.
    Anything else: no row. Called when classification finishes and whenever the
    owner changes the geoprivacy; calling it again changes nothing. Peers hear of
    each change through gossip: a new signed version of the row, or a tombstone.
    """
    with transaction.atomic():
        # Locked, so that a classification finishing while the owner changes the
        # geoprivacy cannot leave the row of a state that is already gone.
        current = Submission.objects.select_for_update().get(pk=submission.pk)
        sighting = Sighting.objects.filter(submission=current).first()
        before = _mark(sighting)
        public = _public_position(current)
        if public is None:
            if sighting is not None:
                own_record_withdraw(sighting_id=str(sighting.id))
                sighting.delete()
            _counts_move(before, None)
            return None
        sighting = sighting or Sighting(submission=current, owner_id=current.owner_id)
        sighting.point, sighting.precision_m = public
        _copy_labels_and_time(current, sighting)
        sighting.save()
        # Before the cluster counts: gossip's lock is always taken before their rows.
        own_record_publish(sighting=sighting)
        _counts_move(before, _mark(sighting))
        return sighting


def sighting_receive(*, record: Record) -> Sighting | None:
    """Show a peer's sighting on the map as `record` (a new version of it) has it.

    Called by gossip for every record of another origin that it keeps, inside the
    transaction (and under the lock) that keeps it. A tombstone, or a version
    without a position, takes the sighting off the map.
    """
    # The map needs a time: when the photo was taken, else when its origin published it.
    observed_at = _instant(record.observed_at) or _instant(record.published_at)
    if record.deleted or record.location is None or observed_at is None:
        sighting_forget(origin=record.origin, sighting_id=record.id)
        return None
    sighting = Sighting.objects.filter(pk=record.id).first()
    if sighting is not None and sighting.origin != record.origin:
        # Ids are UUIDs, so only a node that lies meets one it does not own.
        logger.warning("map: %s seq %s claims another's sighting", record.origin, record.seq)
        return None
    before = _mark(sighting)
    sighting = sighting or Sighting(id=record.id, origin=record.origin)
    _copy_record(record, sighting)
    sighting.observed_at = observed_at
    sighting.save()
    _counts_move(before, _mark(sighting))
    return sighting


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


def _public_position(submission: Submission) -> tuple[Point, float | None] | None:
    """Where everyone else may see the sighting and how precisely; None: nowhere."""
    location = submission.location
    if (
        submission.status != Submission.Status.DONE
        or location is None
        or submission.geoprivacy == Submission.Geoprivacy.PRIVATE
    ):
        return None
    accuracy_m = submission.location_accuracy_m
    if submission.geoprivacy == Submission.Geoprivacy.OPEN:
        return Point(location.x, location.y, srid=4326), accuracy_m
    # Anything but open is obscured: an unknown value must not publish the true position.
    key = settings.SECRET_KEY.encode()
    lat, lon = obscure(location.y, location.x, key=key, seed=submission.pk.bytes)
    return Point(lon, lat, srid=4326), round(farthest_corner_m(lat, lon) + (accuracy_m or 0.0))


def _copy_labels_and_time(submission: Submission, sighting: Sighting) -> None:
    labels = submission_labels(submission)
    sighting.labels = labels
    sighting.label = labels[0]["label"] if labels else ""
    sighting.confidence = labels[0]["confidence"] if labels else None
    sighting.observed_at = submission_observed_at(submission)
    sighting.published_at = timezone.now()


def _copy_record(record: Record, sighting: Sighting) -> None:
    assert record.location is not None  # a record without one is forgotten instead
    labels = sorted(
        (label.model_dump() for label in record.labels), key=lambda label: -label["confidence"]
    )
    sighting.seq = record.seq
    sighting.point = Point(record.location.lon, record.location.lat, srid=4326)
    sighting.precision_m = record.location.precision_m
    sighting.labels = labels
    sighting.label = labels[0]["label"] if labels else ""
    sighting.confidence = labels[0]["confidence"] if labels else None
    sighting.published_at = _instant(record.published_at) or timezone.now()
    sighting.image_url = record.image_url or ""
    sighting.thumb_url = record.thumb_url or ""


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
