"""Reads for a zoomed-out map: the sightings in a box counted into the cells of map.grid.

The public counts come from ClusterCell, a handful of rows whatever the number of
sightings. A date range cannot be read from those totals, so with one the public
sightings are counted in SQL instead: exact, but it reads every sighting in range.
Both count whole cells, so a cluster at the edge of the map shows all of its cell
and does not change as the map is panned.

A logged-in viewer's own sightings are shown where they really are: their public
rows are taken out of the counts and their true positions put in. The three sets
of counts are summed in one query (CLUSTERS), not in Python: a busy map asks for
clusters at every pan, and adding up rows is what PostgreSQL does fastest.
"""

import json
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import QuerySet

from map.grid import CellRange, cells_touching, cluster_level
from map.models import ClusterCell, Sighting, counted_by_cell
from map.selectors import MapFilter, own_submissions

# Each part is rows (x, y, label, count, lon_sum, lat_sum); a sign takes them out (-1)
# or puts them in (1), and `mine` says whether they are the viewer's true positions.
PART = """
    SELECT x, y, {label} AS label, {sign} * "count" AS n, {mine} AS mine,
           {sign} * lon_sum AS lon_sum, {sign} * lat_sum AS lat_sum
    FROM ({rows}) AS part{index}
"""
CLUSTERS = """
    SELECT sum(n)::int, sum(mine)::int, sum(lon_sum), sum(lat_sum),
           jsonb_object_agg(label, n) FILTER (WHERE n > 0)
    FROM (
        SELECT x, y, label, sum(n) AS n, sum(mine) AS mine,
               sum(lon_sum) AS lon_sum, sum(lat_sum) AS lat_sum
        FROM ({parts}) AS parts
        -- Whole cells reach past the box: the far border belongs to the next cell.
        WHERE x BETWEEN %s AND %s AND y BETWEEN %s AND %s
        GROUP BY x, y, label
    ) AS by_label
    GROUP BY x, y
    HAVING sum(n) > 0
"""


@dataclass(frozen=True)
class Cluster:
    """The sightings in one cell: how many, their centre, their labels, how many are yours."""

    count: int
    mine: int
    lon: float
    lat: float
    labels: dict[str, int]


def map_clusters(
    *, filters: MapFilter, viewer: AbstractBaseUser | None, zoom: int
) -> tuple[CellRange, list[Cluster]]:
    """The clusters in the box at this zoom, and the cells they were counted on."""
    cells = cells_touching(filters.bbox, cluster_level(zoom, filters.bbox))
    whole = replace(filters, bbox=cells.bbox())
    parts = [(_public_counts(whole, cells), "label", 1, False)]
    if viewer is not None:
        own_public = Sighting.objects.filter(owner_id=viewer.pk).in_bbox(whole.bbox)
        own_public = own_public.labelled(whole.label).observed_between(whole.start, whole.end)
        own_true = counted_by_cell(
            own_submissions(whole, viewer), point="location", label="top_label", level=cells.level
        )
        parts += [(own_public.cell_counts(cells.level), "label", -1, False)]
        parts += [(own_true, "top_label", 1, True)]
    with transaction.atomic(), connection.cursor() as cursor:
        if whole.start is not None or whole.end is not None:
            # PostgreSQL cannot know that a year of sightings falls into a few hundred
            # cells: it plans for a group per sighting and, in its default 4 MB of
            # work_mem, sorts them on disk. With 32 MB it counts them in a hash table.
            cursor.execute("SET LOCAL work_mem = '32MB'")
        cursor.execute(*_clusters_sql(parts, cells))
        return cells, [_cluster(row) for row in cursor.fetchall()]


def _public_counts(filters: MapFilter, cells: CellRange) -> QuerySet[Any, Any]:
    if filters.start is None and filters.end is None:
        totals = ClusterCell.objects.in_range(cells).labelled(filters.label)
        return totals.filter(count__gt=0).values("x", "y", "label", "count", "lon_sum", "lat_sum")
    rows = Sighting.objects.in_bbox(filters.bbox).labelled(filters.label)
    return rows.observed_between(filters.start, filters.end).cell_counts(cells.level)


def _clusters_sql(
    parts: list[tuple[QuerySet[Any, Any], str, int, bool]], cells: CellRange
) -> tuple[str, list[Any]]:
    sqls: list[str] = []
    params: list[Any] = []
    for index, (rows, label, sign, mine) in enumerate(parts):
        sql, part_params = rows.query.sql_with_params()
        mine_count = '"count"' if mine else "0"
        sqls.append(PART.format(label=label, sign=sign, mine=mine_count, rows=sql, index=index))
        params += part_params
    sql = CLUSTERS.format(parts=" UNION ALL ".join(sqls))
    return sql, [*params, cells.x_min, cells.x_max, cells.y_min, cells.y_max]


def _cluster(row: tuple[Any, ...]) -> Cluster:
    count, mine, lon_sum, lat_sum, labels = row
    # Django's connection hands jsonb over as text (its JSONField decodes it itself).
    return Cluster(
        count=count, mine=mine, lon=lon_sum / count, lat=lat_sum / count, labels=json.loads(labels)
    )
