"""Where an obscured sighting appears: a random point in the 0.2° cell of the true one.

As iNaturalist does, the world is cut into cells of 0.2° × 0.2° (about 22 km × 22 km at
the equator) with borders at multiples of 0.2°, and an obscured sighting is shown at a
random point of the cell that holds its true position. The point is uniform in the cell
and drawn without looking at where in the cell the true position is, so it tells nothing
beyond the cell.

The point is drawn from a keyed hash of the submission, not from a fresh random number:
a point drawn again on every change could be averaged back towards the true position by
anyone who saw several of them. The key (the site's secret) keeps the draw unguessable.

Pure functions, no Django: the unit tests check them with plain numbers.
"""

import hashlib
import hmac
import math
from dataclasses import dataclass

CELLS_PER_DEGREE = 5
CELL_DEGREES = 1 / CELLS_PER_DEGREE  # 0.2
# The drawn point keeps this fraction of a cell (about 2 cm) away from the cell's border,
# so that rounding can never put it on the border and so into the neighbouring cell.
EDGE_MARGIN = 1e-6
EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)


@dataclass(frozen=True)
class Cell:
    """One cell of the grid, by its south-west corner."""

    south: float
    west: float

    @property
    def north(self) -> float:
        return self.south + CELL_DEGREES

    @property
    def east(self) -> float:
        return self.west + CELL_DEGREES

    def corners(self) -> list[tuple[float, float]]:
        """(lat, lon) of the four corners."""
        return [(lat, lon) for lat in (self.south, self.north) for lon in (self.west, self.east)]


def cell_of(lat: float, lon: float) -> Cell:
    """The cell holding a position: its south and west borders are inside it, the others not.

    The north pole and the antimeridian (180°, the same line as -180°) would start cells
    off the globe, so they belong to the last cell below or west of them instead.
    """
    row = min(_index(lat), 90 * CELLS_PER_DEGREE - 1)
    column = min(_index(lon), 180 * CELLS_PER_DEGREE - 1)
    # Divided, not multiplied by 0.2: 257 / 5 is exactly the float 51.4, 257 * 0.2 is not.
    return Cell(south=row / CELLS_PER_DEGREE, west=column / CELLS_PER_DEGREE)


def obscure(lat: float, lon: float, *, key: bytes, seed: bytes) -> tuple[float, float]:
    """A point (lat, lon) in the cell of (lat, lon), the same one every time for one seed."""
    cell = cell_of(lat, lon)
    digest = hmac.new(key, b"bird.ai geoprivacy v1:" + seed, hashlib.sha256).digest()
    north_part, east_part = _fraction(digest[:8]), _fraction(digest[8:16])
    return cell.south + north_part * CELL_DEGREES, cell.west + east_part * CELL_DEGREES


def farthest_corner_m(lat: float, lon: float) -> float:
    """How far the true position of an obscured point can be: to its cell's farthest corner."""
    return max(distance_m(lat, lon, c_lat, c_lon) for c_lat, c_lon in cell_of(lat, lon).corners())


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine, on a sphere: within 0.5% of the truth)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _index(degrees: float) -> int:
    # Rounded to 9 decimals first, so that a coordinate on a border counts as on it
    # whatever the floating-point error of the multiplication.
    return math.floor(round(degrees * CELLS_PER_DEGREE, 9))


def _fraction(eight_bytes: bytes) -> float:
    """A number in [EDGE_MARGIN, 1 - EDGE_MARGIN], uniform, from 8 bytes of a hash."""
    uniform = int.from_bytes(eight_bytes, "big") / 2**64
    return EDGE_MARGIN + uniform * (1 - 2 * EDGE_MARGIN)
