"""Writes to the public map: every change to a Sighting, and to its cluster counts, is here."""

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.utils import timezone

from birdai.submissions.models import Submission
from map.geoprivacy import farthest_corner_m, obscure
from map.grid import CLUSTER_BELOW_ZOOM, cell_index
from map.models import ClusterCell, Sighting
from map.selectors import submission_labels, submission_observed_at

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
    owner changes the geoprivacy; calling it again changes nothing.
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
                sighting.delete()
            _counts_move(before, None)
            return None
        sighting = sighting or Sighting(submission=current, owner_id=current.owner_id)
        sighting.point, sighting.precision_m = public
        _copy_labels_and_time(current, sighting)
        sighting.save()
        _counts_move(before, _mark(sighting))
        return sighting


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
