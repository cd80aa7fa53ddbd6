"""`python -m bench.map --quick`, in this process, against the test database."""

import json

import pytest

from bench.map import SCENARIOS, main
from map.models import ClusterCell, Sighting


# Not in a transaction: the benchmark truncates tables and runs VACUUM, as on its own database.
@pytest.mark.django_db(transaction=True)
def test_the_quick_run_loads_sightings_asks_every_scenario_and_ends_with_json(capsys):
    main(["--quick"])

    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("Loaded 3,000 sightings and ")
    assert Sighting.objects.count() == 3000
    assert Sighting.objects.filter(submission__isnull=True).count() == 0
    assert ClusterCell.objects.exists()
    figures = json.loads(lines[-1])  # the last line is the machine-readable one
    assert (figures["rows"], figures["requests"]) == (3000, 5)
    results = {result["scenario"]: result for result in figures["results"]}
    assert list(results) == [name for name, *_ in SCENARIOS]
    for result in results.values():
        assert 0 < result["p50_ms"] <= result["p95_ms"]
        assert 0 < result["p50_bytes"] <= result["max_bytes"]
    # A world map is clusters, always some; the label filter can only shrink a region's.
    assert results["world"]["p50_bytes"] > 1000
    assert results["region+label"]["max_bytes"] <= results["region"]["max_bytes"]
