"""loadtest/check.py: a run's stats CSV, built here as locust writes it, passes or fails."""

import csv
import tomllib
from pathlib import Path

import pytest

from loadtest import check

# The columns of locust's _stats.csv (2.x), percentiles included.
COLUMNS = [
    "Type", "Name", "Request Count", "Failure Count", "Median Response Time",
    "Average Response Time", "Min Response Time", "Max Response Time",
    "Average Content Size", "Requests/s", "Failures/s",
    "50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%",
]  # fmt: skip
THRESHOLDS = tomllib.loads(check.DEFAULT_THRESHOLDS.read_text())


def stats_csv(tmp_path: Path, rows: list[tuple[str, str, int, int, float]]) -> Path:
    """A stats CSV of (type, name, requests, failures, p95 ms) rows and their total."""
    path = tmp_path / "run_stats.csv"
    total = (
        "",
        "Aggregated",
        sum(r[2] for r in rows),
        sum(r[3] for r in rows),
        max(r[4] for r in rows),
    )
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for kind, name, requests, failures, p95 in [*rows, total]:
            p50 = p95 / 3
            percentiles = [
                p50,
                p50,
                p50,
                p50,
                p95,
                p95,
                p95 * 1.2,
                p95 * 1.5,
                p95 * 2,
                p95 * 2,
                p95 * 2,
            ]
            writer.writerow([kind, name, requests, failures, p50, p50, 1, p95 * 2, 1000,
                             requests / 60, failures / 60, *percentiles])  # fmt: skip
    return path


GOOD = [
    ("GET", "/submissions/?page=N", 3000, 0, 120.0),
    ("GET", "/api/v1/sightings?zoom=<12", 2000, 0, 90.0),
    ("POST", "upload (api)", 40, 0, 110.0),
    ("POST", "sign in (page)", 20, 0, 900.0),
]


def test_a_run_within_every_threshold_passes(tmp_path):
    verdict = check.judge(check.read_stats(stats_csv(tmp_path, GOOD)), THRESHOLDS)
    assert verdict.passed, verdict.problems
    assert verdict.total.requests == 5060
    assert check.main([str(stats_csv(tmp_path, GOOD))]) == 0


def test_one_failed_request_fails_the_run(tmp_path):
    rows = [*GOOD[:-1], ("POST", "sign in (page)", 20, 1, 900.0)]
    verdict = check.judge(check.read_stats(stats_csv(tmp_path, rows)), THRESHOLDS)
    assert not verdict.passed
    assert verdict.problems == ["failure ratio 0.0002 > 0.0 (1 of 5060 requests)"]
    assert check.main([str(stats_csv(tmp_path, rows))]) == 1


@pytest.mark.parametrize(
    ("name", "p95", "limit"),
    [("/map/", 310.0, 300), ("upload (page)", 160.0, 150), ("sign up (api)", 1100.0, 1000)],
)
def test_a_slow_endpoint_fails_against_its_own_limit(tmp_path, name, p95, limit):
    rows = [*GOOD, ("GET", name, 100, 0, p95)]
    verdict = check.judge(check.read_stats(stats_csv(tmp_path, rows)), THRESHOLDS)
    assert verdict.problems == [f"{name}: p95 {p95:.0f} ms > {limit} ms"]


def test_an_endpoint_with_few_requests_is_not_judged_on_its_p95(tmp_path):
    # Its 95th percentile would be its slowest request; failures still count.
    rows = [*GOOD, ("POST", "upload (page)", 19, 0, 900.0)]
    assert check.judge(check.read_stats(stats_csv(tmp_path, rows)), THRESHOLDS).passed
    rows = [*GOOD, ("POST", "upload (page)", 20, 0, 900.0)]
    verdict = check.judge(check.read_stats(stats_csv(tmp_path, rows)), THRESHOLDS)
    assert verdict.problems == ["upload (page): p95 900 ms > 150 ms"]


def test_backpressure_is_counted_apart_from_failures_and_never_timed(tmp_path):
    # A 503 with Retry-After is recorded as a success under its own name (helpers.py).
    refused = ("POST", f"upload (api) 503 {check.BACKPRESSURE}", 3, 0, 5000.0)
    verdict = check.judge(check.read_stats(stats_csv(tmp_path, [*GOOD, refused])), THRESHOLDS)
    assert verdict.passed, verdict.problems
    assert (verdict.backpressure, verdict.uploads, verdict.failure_ratio) == (3, 43, 0.0)
    assert "3 of 43 uploads refused (backpressure)" in check.report(verdict)


def test_most_uploads_refused_fails_the_run(tmp_path):
    refused = ("POST", f"upload (api) 503 {check.BACKPRESSURE}", 40, 0, 5.0)
    verdict = check.judge(check.read_stats(stats_csv(tmp_path, [*GOOD, refused])), THRESHOLDS)
    assert verdict.problems == ["40 of 80 uploads refused with 503 (backpressure), more than 10%"]


def test_a_run_that_did_almost_nothing_fails(tmp_path):
    verdict = check.judge(
        check.read_stats(stats_csv(tmp_path, [("GET", "/", 10, 0, 20.0)])), THRESHOLDS
    )
    assert verdict.problems == ["only 10 requests (at least 200)"]


def test_a_file_that_is_not_locust_stats_is_refused(tmp_path):
    path = stats_csv(tmp_path, GOOD)
    path.write_text("\n".join(path.read_text().splitlines()[:-1]))  # no Aggregated row
    with pytest.raises(ValueError, match="Aggregated"):
        check.judge(check.read_stats(path), THRESHOLDS)
