"""`python -m bench.upload --quick` prints its table and ends with one JSON line of figures."""

import json

from tests.conftest import run_python


def test_the_bench_times_the_request_now_and_before():
    run = run_python("-m", "bench.upload", "--quick", "--sizes", "320x240,640x480", timeout=120)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    assert lines[1].split() == ["size", "KB", "check", "ms", "+copies", "ms", "before/now"]
    figures = json.loads(lines[-1])
    assert [row["size"] for row in figures["sizes"]] == ["320x240", "640x480"]
    for row in figures["sizes"]:
        # Making the copies is real work on top of the check, whatever the machine.
        assert 0 < row["check_ms"] < row["check_and_copies_ms"]
