"""Reads for a zoomed-out map: the sightings in a box counted into the cells of map.grid.

The public counts come from ClusterCell, a handful of rows whatever the number of
sightings. A date range cannot be read from those totals, so with one the public
sightings are counted in SQL instead: exact, but it reads every sighting in range.
Both count whole cells, so a cluster at the edge of the map shows all of its cell
and does not change as the map is panned.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction

from map.grid import CellRange, cell_index, cells_touching, cluster_level
from map.models import ClusterCell, Sighting
from map.selectors import MapFilter, own_submissions

COUNT_FIELDS = ("x", "y", "label", "count", "lon_sum", "lat_sum")


@dataclass
class Cluster:
    """The sightings in one cell: how many, their centre, their labels, how many are yours."""

    count: int = 0
    mine: int = 0
    lon_sum: float = 0.0
    lat_sum: float = 0.0
    labels: Counter[str] = field(default_factory=Counter)

    @property
    def lon(self) -> float:
        return self.lon_sum / self.count

    @property
    def lat(self) -> float:
        return self.lat_sum / self.count


def map_clusters(
    *, filters: MapFilter, viewer: AbstractBaseUser | None, zoom: int
) -> tuple[CellRange, list[Cluster]]:
    """The clusters in the box at this zoom, and the cells they were counted on."""
    cells = cells_touching(filters.bbox, cluster_level(zoom, filters.bbox))
    whole = replace(filters, bbox=cells.bbox())
    clusters: dict[tuple[int, int], Cluster] = {}
    _add(clusters, cells, _public_counts(whole, cells), sign=1)
    if viewer is not None:
        own_public = Sighting.objects.filter(owner_id=viewer.pk).in_bbox(whole.bbox)
        own_public = own_public.labelled(whole.label).observed_between(whole.start, whole.end)
        _add(clusters, cells, own_public.cell_counts(cells.level), sign=-1)
        _add(clusters, cells, _true_counts(whole, viewer, cells.level), sign=1, mine=True)
    return cells, [cluster for cluster in clusters.values() if cluster.count > 0]


def _public_counts(filters: MapFilter, cells: CellRange) -> Iterable[dict[str, Any]]:
    if filters.start is None and filters.end is None:
        totals = ClusterCell.objects.in_range(cells).labelled(filters.label)
        return totals.filter(count__gt=0).values(*COUNT_FIELDS)
    rows = Sighting.objects.in_bbox(filters.bbox).labelled(filters.label)
    counts = rows.observed_between(filters.start, filters.end).cell_counts(cells.level)
    # PostgreSQL cannot know that a year of sightings falls into a few hundred cells: it
    # plans for a group per sighting and, in its default 4 MB of work_mem, sorts them on
    # disk. With 32 MB for this one query it counts them in a hash table, in half the time.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '32MB'")
        return list(counts)


def _true_counts(filters: MapFilter, viewer: AbstractBaseUser, level: int) -> list[dict[str, Any]]:
    """The viewer's own sightings at their true positions, counted here: they are few."""
    counts: dict[tuple[int, int, str], dict[str, Any]] = {}
    for location, label in own_submissions(filters, viewer).values_list("location", "top_label"):
        x, y = cell_index(location.x, location.y, level)
        empty = {"x": x, "y": y, "label": label, "count": 0, "lon_sum": 0.0, "lat_sum": 0.0}
        row = counts.setdefault((x, y, label), empty)
        row["count"] += 1
        row["lon_sum"] += location.x
        row["lat_sum"] += location.y
    return list(counts.values())


def _add(
    clusters: dict[tuple[int, int], Cluster],
    cells: CellRange,
    rows: Iterable[dict[str, Any]],
    *,
    sign: int,
    mine: bool = False,
) -> None:
    for row in rows:
        x, y = row["x"], row["y"]
        if not (cells.x_min <= x <= cells.x_max and cells.y_min <= y <= cells.y_max):
            continue  # on the far border of the box of whole cells: the next cell's
        cluster = clusters.setdefault((x, y), Cluster())
        cluster.count += sign * row["count"]
        cluster.mine += row["count"] if mine else 0
        cluster.lon_sum += sign * row["lon_sum"]
        cluster.lat_sum += sign * row["lat_sum"]
        cluster.labels[row["label"]] += sign * row["count"]
