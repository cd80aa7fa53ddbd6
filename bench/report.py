"""The benchmark's output: a table for people, then one JSON line for machines."""

import argparse
from typing import Any

from bench.machine import machine_line


def summary_of(
    args: argparse.Namespace, before: dict[str, Any], results: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Everything in one flat dict; `describe()` stays out, it is not a figure."""
    figures = {
        name: {key: value for key, value in result.items() if key != "describe"}
        for name, result in results.items()
    }
    summary: dict[str, Any] = {
        **before,
        "arch": args.arch,
        "images": args.images,
        "rounds": args.rounds,
        "threads": args.threads,
        **figures,
    }
    if "torch" in results and "onnx" in results:
        summary["speedup"] = round(results["torch"]["median_s"] / results["onnx"]["median_s"], 2)
    return summary


def print_table(results: dict[str, dict[str, Any]], summary: dict[str, Any]) -> None:
    print(machine_line(summary))
    print(f"{'variant':<12}{'median s':>10}{'p95 s':>9}{'img/s':>8}{'peak RSS':>10}{'load s':>8}")
    for name, r in results.items():
        print(
            f"{name:<12}{r['median_s']:>10.3f}{r['p95_s']:>9.3f}{r['images_per_s']:>8.2f}"
            f"{r['peak_rss_mb']:>7} MB{r['load_s']:>8.1f}"
        )
    if "speedup" in summary:
        print(f"speed-up, median torch / onnx: {summary['speedup']}x")


def percentile(values: list[float], percent: int) -> float:
    """The value `percent`% of the way up the sorted values (nearest rank, no interpolation)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]
