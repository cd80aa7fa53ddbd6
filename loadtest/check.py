"""Pass or fail a load-test run: its locust stats CSV against thresholds.toml.

    python loadtest/check.py RUN_stats.csv [--thresholds loadtest/thresholds.toml]

Prints one line per endpoint and every threshold missed; exits 0 if the run passed,
1 if not. Requests recorded with "(backpressure)" in their name (a 503 with
Retry-After, see helpers.py) are counted apart: not failures, and not timed against
a threshold, since answering "come back later" fast is what they are for.
Plain Python (no locust), so the app's tests and any CI can run it.
"""

import argparse
import csv
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

BACKPRESSURE = "(backpressure)"
AGGREGATED = "Aggregated"
DEFAULT_THRESHOLDS = Path(__file__).with_name("thresholds.toml")


@dataclass(frozen=True)
class Endpoint:
    name: str
    requests: int
    failures: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


@dataclass
class Verdict:
    endpoints: list[Endpoint]
    total: Endpoint
    backpressure: int
    uploads: int
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def failure_ratio(self) -> float:
        return self.total.failures / self.total.requests if self.total.requests else 0.0


def read_stats(path: Path) -> list[Endpoint]:
    """The rows of a locust `_stats.csv`, the "Aggregated" total last."""
    with path.open(newline="") as file:
        return [_endpoint(row) for row in csv.DictReader(file)]


def judge(rows: list[Endpoint], thresholds: dict) -> Verdict:
    """Hold the rows up against the thresholds; the verdict lists every one missed."""
    totals = [row for row in rows if row.name == AGGREGATED]
    if not totals:
        raise ValueError("no Aggregated row: not a locust stats CSV")
    endpoints = [row for row in rows if row.name != AGGREGATED]
    refused = sum(row.requests for row in endpoints if BACKPRESSURE in row.name)
    uploads = sum(row.requests for row in endpoints if row.name.startswith("upload"))
    verdict = Verdict(endpoints, totals[0], backpressure=refused, uploads=uploads)
    limits, p95 = thresholds["run"], thresholds["p95_ms"]
    if verdict.total.requests < limits["min_requests"]:
        verdict.problems.append(
            f"only {verdict.total.requests} requests (at least {limits['min_requests']})"
        )
    if verdict.failure_ratio > limits["max_failure_ratio"]:
        verdict.problems.append(
            f"failure ratio {verdict.failure_ratio:.4f} > {limits['max_failure_ratio']}"
            f" ({verdict.total.failures} of {verdict.total.requests} requests)"
        )
    if uploads and refused / uploads > limits["max_backpressure_ratio"]:
        verdict.problems.append(
            f"{refused} of {uploads} uploads refused with 503 (backpressure), "
            f"more than {limits['max_backpressure_ratio']:.0%}"
        )
    for row in endpoints:
        limit = p95.get(row.name, p95["default"])
        judged = BACKPRESSURE not in row.name and row.requests >= limits["min_requests_for_p95"]
        if judged and row.p95_ms > limit:
            verdict.problems.append(f"{row.name}: p95 {row.p95_ms:.0f} ms > {limit} ms")
    return verdict


def report(verdict: Verdict) -> str:
    lines = [f"{'endpoint':<40}{'reqs':>7}{'fails':>6}{'p50':>7}{'p95':>7}{'p99':>7}"]
    for row in [*verdict.endpoints, verdict.total]:
        lines.append(
            f"{row.name[:39]:<40}{row.requests:>7}{row.failures:>6}"
            f"{row.p50_ms:>7.0f}{row.p95_ms:>7.0f}{row.p99_ms:>7.0f}"
        )
    lines.append(
        f"{verdict.total.rps:.1f} requests/s, failure ratio {verdict.failure_ratio:.4f}, "
        f"{verdict.backpressure} of {verdict.uploads} uploads refused (backpressure)"
    )
    lines += [f"FAIL: {problem}" for problem in verdict.problems] or ["PASS: every threshold met"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stats_csv", type=Path)
    parser.add_argument("--thresholds", type=Path, default=DEFAULT_THRESHOLDS)
    args = parser.parse_args(argv)
    thresholds = tomllib.loads(args.thresholds.read_text())
    verdict = judge(read_stats(args.stats_csv), thresholds)
    print(report(verdict))
    return 0 if verdict.passed else 1


def _endpoint(row: dict[str, str]) -> Endpoint:
    def number(column: str) -> float:
        # Locust writes "N/A" for the percentiles of an endpoint with no requests.
        value = row.get(column, "")
        return float(value) if value not in ("", "N/A") else 0.0

    return Endpoint(
        name=row["Name"],
        requests=int(row["Request Count"]),
        failures=int(row["Failure Count"]),
        rps=number("Requests/s"),
        p50_ms=number("50%"),
        p95_ms=number("95%"),
        p99_ms=number("99%"),
    )


if __name__ == "__main__":
    sys.exit(main())
