"""The figures of one stack run: locust's stats judged by check.py, plus what was sampled."""

import tomllib
from pathlib import Path
from typing import Any

from loadtest import check
from loadtest.sampler import Samples

# The locust name of every static file (visitor.py): not page or API traffic.
STATIC = "/static/*"


def build(
    stats_csv: Path,
    samples: Samples,
    *,
    images: int,
    run_s: float,
    context: dict[str, Any],
    web_rss_limit_mb: float,
) -> dict[str, Any]:
    thresholds = tomllib.loads(check.DEFAULT_THRESHOLDS.read_text())
    verdict = check.judge(check.read_stats(stats_csv), thresholds)
    web_rss = max(
        (mb for name, mb in samples.rss_peak.items() if name.startswith("web")), default=0
    )
    if web_rss >= web_rss_limit_mb:
        verdict.problems.append(
            f"a web process reached {web_rss:.0f} MB (limit {web_rss_limit_mb})"
        )
    uploads = [row for row in verdict.endpoints if row.name in ("upload (page)", "upload (api)")]
    depths = [depth for _, depth in samples.queue] or [0]
    cpu = {role: samples.cpu_end.get(role, 0) - s for role, s in samples.cpu_start.items()}
    cpu["other"] = max(0.0, samples.machine_cpu_s - sum(cpu.values()))
    return {
        **context,
        "passed": verdict.passed,
        "problems": verdict.problems,
        "report": check.report(verdict),
        "run_s": round(run_s, 1),
        "rps": round(verdict.total.rps, 1),
        "rps_pages_api": round(verdict.total.rps - sum(_static_rps(verdict.endpoints)), 1),
        "failure_ratio": round(verdict.failure_ratio, 5),
        "requests": verdict.total.requests,
        "backpressure_503": verdict.backpressure,
        "endpoints": {
            row.name: {
                "requests": row.requests,
                "failures": row.failures,
                "p50_ms": row.p50_ms,
                "p95_ms": row.p95_ms,
                "p99_ms": row.p99_ms,
            }
            for row in [*verdict.endpoints, verdict.total]
        },
        "upload_acceptance_p95_ms": max((row.p95_ms for row in uploads), default=None),
        "queue_depth_max": max(depths),
        "queue_depth_end": depths[-1],
        "worker_images": images,
        "worker_images_per_s": round(images / run_s, 3) if run_s else 0.0,
        "web_rss_mb_max": round(web_rss, 1),
        "cpu_s": {role: round(seconds, 1) for role, seconds in cpu.items()},
        "cpu_share": {
            role: round(s / max(1e-9, samples.machine_cpu_s), 3) for role, s in cpu.items()
        },
        "rss_mb_start": {name: round(mb, 1) for name, mb in samples.rss_start.items()},
        "rss_mb_end": {name: round(mb, 1) for name, mb in samples.rss_end.items()},
    }


def _static_rps(rows: list[check.Endpoint]) -> list[float]:
    return [row.rps for row in rows if row.name == STATIC]


def text(figures: dict[str, Any]) -> str:
    """The human part of the summary: the endpoint table, then the stack's own figures."""
    cpu = ", ".join(f"{role} {share:.0%}" for role, share in figures["cpu_share"].items())
    rss = "\n".join(
        f"  {name:<44}{figures['rss_mb_start'].get(name, 0):>8.1f}{mb:>8.1f}"
        for name, mb in figures["rss_mb_end"].items()
    )
    return "\n".join(
        [
            figures["report"],
            f"pages and API: {figures['rps_pages_api']} requests/s (static files apart)",
            f"queue depth: max {figures['queue_depth_max']}, "
            f"at the end {figures['queue_depth_end']}",
            f"worker: {figures['worker_images']} photos classified, "
            f"{figures['worker_images_per_s']} images/s",
            f"web RSS at most {figures['web_rss_mb_max']} MB; CPU over the run: {cpu}",
            f"  {'RSS MB of each process':<44}{'start':>8}{'end':>8}",
            rss,
            f"load average before: {' '.join(figures['load_before'])}",
        ]
    )


def headline(figures: dict[str, Any]) -> dict[str, Any]:
    """The one JSON line: the figures, without the table and the per-process memory."""
    left_out = {"report", "rss_mb_start", "rss_mb_end"}
    return {key: value for key, value in figures.items() if key not in left_out}
