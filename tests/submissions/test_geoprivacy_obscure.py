"""The obscuring arithmetic, with plain numbers: no database, no Django."""

import uuid

import pytest

from submissions.geoprivacy import CELL_DEGREES, cell_of, distance_m, farthest_corner_m, obscure

KEY = b"tests-only-key"


def seed() -> bytes:
    return uuid.uuid4().bytes


def inside(cell, lat: float, lon: float) -> bool:
    return cell.south <= lat < cell.north and cell.west <= lon < cell.east


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(51.501364, -0.14189), (-33.856784, 151.215297), (0.05, 0.05), (-0.05, -0.05), (64.1, -21.9)],
)
def test_the_point_is_in_the_cell_of_the_true_position(lat, lon):
    cell = cell_of(lat, lon)
    assert inside(cell, lat, lon)
    assert cell.north - cell.south == pytest.approx(CELL_DEGREES)
    assert inside(cell, *obscure(lat, lon, key=KEY, seed=seed()))


def test_cell_borders_are_multiples_of_a_fifth_of_a_degree():
    cell = cell_of(51.501364, -0.14189)
    assert (cell.south, cell.west) == (51.4, -0.2)
    assert (cell.north, cell.east) == pytest.approx((51.6, 0.0))


def test_the_same_submission_always_gets_the_same_point():
    same = seed()
    first = obscure(51.501364, -0.14189, key=KEY, seed=same)
    assert obscure(51.501364, -0.14189, key=KEY, seed=same) == first
    # Anywhere else in the same cell: the point does not follow the true position.
    assert obscure(51.59, -0.01, key=KEY, seed=same) == first


def test_submissions_and_keys_get_different_points():
    points = {obscure(51.5, -0.1, key=KEY, seed=seed()) for _ in range(50)}
    assert len(points) == 50
    one = seed()
    assert obscure(51.5, -0.1, key=KEY, seed=one) != obscure(51.5, -0.1, key=b"other", seed=one)


def test_points_spread_over_the_whole_cell():
    points = [obscure(51.5, -0.1, key=KEY, seed=seed()) for _ in range(400)]
    lats = [lat for lat, _ in points]
    lons = [lon for _, lon in points]
    # 400 uniform draws leave no quarter of the cell empty.
    assert min(lats) < 51.45 and max(lats) > 51.55
    assert min(lons) < -0.15 and max(lons) > -0.05


@pytest.mark.parametrize("on_border", [51.4, 51.6, 0.0, -0.2, 12.8])
def test_a_position_on_a_border_belongs_to_the_cell_north_and_east_of_it(on_border):
    cell = cell_of(on_border, on_border)
    assert cell.south == pytest.approx(on_border) and cell.west == pytest.approx(on_border)
    lat, lon = obscure(on_border, on_border, key=KEY, seed=seed())
    assert cell_of(lat, lon) == cell


def test_just_below_a_border_is_the_cell_below():
    assert cell_of(51.39999, 0.1).south == pytest.approx(51.2)


@pytest.mark.parametrize(
    ("lat", "lon", "south", "west"),
    [
        (90.0, 0.1, 89.8, 0.0),  # the north pole: the last row, not one off the globe
        (-90.0, 0.1, -90.0, 0.0),
        (0.1, 180.0, 0.0, 179.8),  # the antimeridian: the last column
        (0.1, -180.0, 0.0, -180.0),
    ],
)
def test_poles_and_antimeridian_stay_on_the_globe(lat, lon, south, west):
    cell = cell_of(lat, lon)
    assert (cell.south, cell.west) == pytest.approx((south, west))
    for _ in range(20):
        o_lat, o_lon = obscure(lat, lon, key=KEY, seed=seed())
        assert -90 <= o_lat <= 90 and -180 <= o_lon <= 180
        assert cell_of(o_lat, o_lon) == cell


def test_farthest_corner_bounds_the_distance_to_the_true_position():
    true_lat, true_lon = 51.4001, -0.1999  # the south-west corner of its cell
    lat, lon = obscure(true_lat, true_lon, key=KEY, seed=seed())
    assert distance_m(lat, lon, true_lat, true_lon) <= farthest_corner_m(lat, lon)
    # At 51.5° a cell is 22.2 km by 13.8 km, so its diagonal is 26 km.
    assert 13_000 < farthest_corner_m(lat, lon) < 26_200


def test_distance_of_a_degree_along_the_equator():
    assert distance_m(0, 0, 0, 1) == pytest.approx(111_195, rel=1e-4)
