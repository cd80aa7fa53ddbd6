"""`python -m bench.gossip --quick` prints its table and ends with one JSON line of figures."""

import json

from tests.conftest import run_python


def test_the_bench_ends_with_a_json_line_of_its_figures():
    run = run_python("-m", "bench.gossip", "--quick", "--fanouts", "2", timeout=120)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    assert lines[1].split() == [
        "nodes",
        "fanout",
        "model",
        "rounds",
        "exchanges",
        "MB",
        "B/conv.",
        "exch.",
        "s",
    ]
    figures = json.loads(lines[-1])
    assert [(row["nodes"], row["fanout"], row["model"]) for row in figures["spread"]] == [
        (10, 2, "lockstep"),
        (10, 2, "turns"),
    ]
    assert all(row["rounds"] for row in figures["spread"])
    assert figures["quiet"]["origins"] == 10  # --quick's quiet network
    assert figures["quiet"]["probe_bytes"] < figures["quiet"]["full_exchange_bytes"]
    assert figures["targets_met"] == {"quiet_exchange_within_2_kb": True}
