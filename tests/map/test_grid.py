"""The cluster grid: cell numbers in Python and in SQL agree, and big boxes get coarse cells."""

import random

import pytest

from map.grid import (
    CLUSTER_BELOW_ZOOM,
    MAX_CELLS_ACROSS,
    BBox,
    cell_degrees,
    cell_index,
    cells_touching,
    cluster_level,
)
from map.models import Sighting


def test_cells_nest_and_start_at_the_south_west_corner_of_the_world():
    assert cell_index(-180, -90, 0) == (0, 0)
    assert cell_index(179.99, 89.99, 0) == (3, 1)
    x, y = cell_index(-0.14, 51.5, 7)
    assert cell_index(-0.14, 51.5, 8) in {(2 * x + i, 2 * y + j) for i in (0, 1) for j in (0, 1)}


def test_a_map_sized_box_keeps_its_zoom_and_a_huge_one_gets_coarser():
    city = BBox(-0.3, 51.4, 0.1, 51.6)
    assert cluster_level(11, city) == 11
    world = BBox(-180, -90, 180, 90)
    level = cluster_level(11, world)
    assert 360 / cell_degrees(level) <= MAX_CELLS_ACROSS < 360 / cell_degrees(level + 1)
    cells = cells_touching(world, level)
    assert (cells.x_max - cells.x_min + 1) * (cells.y_max - cells.y_min + 1) <= 33 * 33


def test_whole_cells_cover_the_box():
    box = BBox(-0.3, 51.4, 0.1, 51.6)
    whole = cells_touching(box, 9).bbox()
    assert whole.west <= box.west and whole.south <= box.south
    assert whole.east >= box.east and whole.north >= box.north


@pytest.mark.django_db
def test_sql_counts_cells_exactly_as_python_does(alice, located):
    places = random.Random(7)
    points = [(places.uniform(-89, 89), places.uniform(-179, 179)) for _ in range(30)]
    points += [(45.0, 22.5), (0.0, 0.0), (-45.0, -90.0), (51.5, -0.17578125)]  # on borders
    for lat, lon in points:
        located(alice, lat, lon, geoprivacy="open")
    for level in range(CLUSTER_BELOW_ZOOM):
        from_sql = {
            (row["x"], row["y"]): row["count"] for row in Sighting.objects.cell_counts(level)
        }
        from_python: dict[tuple[int, int], int] = {}
        for lat, lon in points:
            key = cell_index(lon, lat, level)
            from_python[key] = from_python.get(key, 0) + 1
        assert from_sql == from_python, level
