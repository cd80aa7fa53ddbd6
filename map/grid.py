"""The grid that clusters are counted on, and the box a map asks about.

At zoom level z a web-map tile of 256 pixels spans 360 / 2**z degrees of longitude.
A cluster cell is a quarter of that, 90 / 2**z degrees square, so about 64 pixels on
screen: big enough for a bubble with a number in it. Cells are numbered from the
south-west corner of the world (-180, -90), so each cell of level z holds exactly
four cells of level z + 1 and a cell stays put while the map is panned.

Pure functions, no Django: the same numbers are computed in SQL by
``SightingQuerySet.cell_counts``, and the tests hold the two together.
"""

import math
from typing import NamedTuple

# From this zoom on the API answers with single sightings; below it, with clusters.
# At zoom 12 a 1280-pixel-wide map shows about 0.4° of longitude, two obscuring cells.
CLUSTER_BELOW_ZOOM = 12
MAX_ZOOM = 22
# However large a box a client sends, it gets at most this many cells on a side (the
# level is made coarser until it fits), so a cluster answer stays small: at most
# 33 × 33 cells of about 200 bytes each.
MAX_CELLS_ACROSS = 32


class BBox(NamedTuple):
    """A box on the map in degrees; west <= east and south <= north."""

    west: float
    south: float
    east: float
    north: float

    @property
    def width(self) -> float:
        return self.east - self.west

    @property
    def height(self) -> float:
        return self.north - self.south


class CellRange(NamedTuple):
    """The cells of one level that a box touches, inclusive at both ends."""

    level: int
    x_min: int
    y_min: int
    x_max: int
    y_max: int

    def bbox(self) -> BBox:
        """The box these whole cells cover (which reaches beyond the box asked about)."""
        size = cell_degrees(self.level)
        return BBox(
            west=self.x_min * size - 180,
            south=self.y_min * size - 90,
            east=(self.x_max + 1) * size - 180,
            north=(self.y_max + 1) * size - 90,
        )


def cell_degrees(level: int) -> float:
    return 90 / 2**level


def cell_index(lon: float, lat: float, level: int) -> tuple[int, int]:
    """(x, y) of the cell holding a point; the same arithmetic as the SQL version."""
    size = cell_degrees(level)
    return math.floor((lon + 180) / size), math.floor((lat + 90) / size)


def cluster_level(zoom: int, bbox: BBox) -> int:
    """The zoom's own level, or a coarser one if the box would need too many cells."""
    level = zoom
    while level > 0 and max(bbox.width, bbox.height) / cell_degrees(level) > MAX_CELLS_ACROSS:
        level -= 1
    return level


def cells_touching(bbox: BBox, level: int) -> CellRange:
    x_min, y_min = cell_index(bbox.west, bbox.south, level)
    x_max, y_max = cell_index(bbox.east, bbox.north, level)
    return CellRange(level, x_min, y_min, x_max, y_max)
