"""`make bench-map`: how fast the sightings API answers over a million sightings.

    python -m bench.map [--rows 1000000] [--requests 200] [--fresh] [--quick]

It works in its own database (DATABASE_URL's, named birdai_bench_map), which it
creates and fills once with map.sql and reuses while it holds --rows sightings
(--fresh drops it first); where Django is set up already (under pytest), Django's
database: the test database. Then it asks GET /api/v1/sightings through Django's test
client, in this process: the real URL routing, middleware, view, queries and JSON,
with no network or web server in between. Each scenario is a 1280 × 800 pixel map
at one zoom level over random places, half of them in the crowded "cities". It
prints a table, then one JSON line with every figure. --quick: 3,000 sightings in
birdai_bench_map_quick, 5 timed requests a scenario; a few seconds.
"""

import argparse
import json
import math
import os
import random
import statistics
import time
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from bench.machine import machine, machine_line
from bench.options import parse_args

# (name, zoom, extra query parameters, logged in?)
SCENARIOS = [
    ("world", 2, {}, False),
    ("region", 7, {}, False),
    ("city", 13, {}, False),
    ("region+label", 7, {"label": "squirrel"}, False),
    ("world+dates", 2, {"from": "2023-01-01", "to": "2023-12-31"}, False),
    ("region+logged-in", 7, {}, True),
    ("city+logged-in", 13, {}, True),
]
WIDTH_PX, HEIGHT_PX = 1280, 800
WARM_UP = 10
QUICK = {"rows": 3000, "requests": 5, "database": "birdai_bench_map_quick"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests a scenario")
    parser.add_argument("--database", default="birdai_bench_map")
    parser.add_argument("--fresh", action="store_true", help="drop the database and load again")
    args = parse_args(parser, QUICK, argv)
    # WhiteNoise warns that collectstatic never ran; the API needs no static files.
    warnings.filterwarnings("ignore", message="No directory at")
    if not settings.configured:  # run as a command, not under pytest
        _use_database(args.database, fresh=args.fresh)
    import django

    django.setup()
    _load(args.rows)
    host = machine()
    print(machine_line(host))
    busy = _busy_places(args.rows)
    results = [_measure(*scenario, busy=busy, requests=args.requests) for scenario in SCENARIOS]
    print(f"{'scenario':<16}{'zoom':>5}{'p50 ms':>9}{'p95 ms':>9}{'p50 KB':>9}{'max KB':>9}")
    for r in results:
        print(
            f"{r['scenario']:<16}{r['zoom']:>5}{r['p50_ms']:>9}{r['p95_ms']:>9}"
            f"{r['p50_bytes'] / 1024:>9.1f}{r['max_bytes'] / 1024:>9.1f}"
        )
    print(json.dumps({**host, "rows": args.rows, "requests": args.requests, "results": results}))


def _use_database(name: str, *, fresh: bool) -> None:
    """Point Django at the bench database, creating it (from a clean slate if fresh)."""
    import psycopg

    url = urlsplit(os.environ.get("DATABASE_URL", "postgres://birdai@127.0.0.1:5433/birdai"))
    maintenance = urlunsplit(url._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        if fresh:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{name}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "birdai.settings")
    os.environ.setdefault("BIRDAI_HTTPS", "0")


def _load(rows: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from map.models import Sighting
    from map.services import cluster_cells_rebuild

    call_command("migrate", verbosity=0)
    if Sighting.objects.count() == rows:
        print(f"Reusing {rows:,} sightings in {connection.settings_dict['NAME']}.")
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE map_sighting, map_clustercell, submissions_submission, auth_user CASCADE"
        )
        cursor.execute(Path(__file__).with_name("map.sql").read_text().format(rows=int(rows)))
    cells = cluster_cells_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    took = time.perf_counter() - started
    print(f"Loaded {rows:,} sightings and {cells:,} cluster cells in {took:.0f} s.")


def _busy_places(rows: int) -> list[tuple[float, float]]:
    """(lon, lat) of 2000 sightings drawn at random: busy places come up more often."""
    from django.db import connection

    # 1% of a million sightings' pages hold about 10,000; a small table needs more of its pages.
    percent = min(100.0, max(1.0, 1e6 / rows))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(point), ST_Y(point) FROM map_sighting"
            " TABLESAMPLE SYSTEM (%s) REPEATABLE (42) LIMIT 2000",
            [percent],
        )
        return list(cursor.fetchall())


def _measure(
    name: str,
    zoom: int,
    extra: dict[str, str],
    logged_in: bool,
    *,
    busy: list[tuple[float, float]],
    requests: int,
) -> dict[str, Any]:
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    if logged_in:
        client.force_login(User.objects.get(username="bench1"))
    places = random.Random(name)  # noqa: S311 - the same places every run, not a secret
    timings, sizes = [], []
    for number in range(WARM_UP + requests):
        params = {"bbox": _viewport(zoom, places, busy), "zoom": str(zoom), **extra}
        started = time.perf_counter()
        response = client.get("/api/v1/sightings", params)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.content[:300]
        if number >= WARM_UP:
            timings.append(elapsed * 1000)
            sizes.append(len(response.content))
    return {
        "scenario": name,
        "zoom": zoom,
        **extra,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(statistics.quantiles(timings, n=20)[-1], 1),
        "p50_bytes": round(statistics.median(sizes)),
        "max_bytes": max(sizes),
        "logged_in": logged_in,
    }


def _viewport(zoom: int, places: random.Random, busy: list[tuple[float, float]]) -> str:
    """The bbox a WIDTH_PX × HEIGHT_PX map shows at this zoom: half of them at busy places."""
    if places.random() < 0.5:
        lon, lat = places.choice(busy)
    else:
        lon, lat = places.uniform(-180, 180), places.uniform(-60, 75)
    half_width = WIDTH_PX / 256 * 360 / 2**zoom / 2
    half_height = HEIGHT_PX / WIDTH_PX * half_width * max(0.2, math.cos(math.radians(lat)))
    west, east = max(-180, lon - half_width), min(180, lon + half_width)
    south, north = max(-85, lat - half_height), min(85, lat + half_height)
    return f"{west:.5f},{south:.5f},{east:.5f},{north:.5f}"


if __name__ == "__main__":
    main()
