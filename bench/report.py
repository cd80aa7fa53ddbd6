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
    # An untrained model's figures are speed, memory and fidelity to fp32; never accuracy.
    # Without --weights and --onnx the benchmark built one (whose export's manifest
    # does not say so: it was built from a checkpoint).
    built_here = args.weights is None and args.onnx is None
    summary["untrained"] = built_here or any(
        r["describe"].get("untrained") for r in results.values()
    )
    for name, key in (("onnx", "speedup"), ("served", "speedup_served")):
        if "torch" in results and name in results:
            summary[key] = round(results["torch"]["median_s"] / results[name]["median_s"], 2)
    return summary


def print_table(results: dict[str, dict[str, Any]], summary: dict[str, Any]) -> None:
    print(machine_line(summary))
    if "cpu_flags" in summary:
        flags = summary["cpu_flags"]
        print("CPU flags: " + " ".join(("+" if flags[f] else "-") + f for f in flags))
    print(
        f"{'variant':<14}{'median s':>10}{'p95 s':>9}{'img/s':>8}{'peak RSS':>10}{'load s':>8}"
        f"{'in':>6}"
    )
    for name, r in results.items():
        print(
            f"{name:<14}{r['median_s']:>10.3f}{r['p95_s']:>9.3f}{r['images_per_s']:>8.2f}"
            f"{r['peak_rss_mb']:>7} MB{r['load_s']:>8.1f}{r['precision']:>6}"
        )
    if "served" in results:
        reason = results["served"]["precision_reason"]
        print(f"served here (onnx, BIRDAI_MODEL_PRECISION=auto): {reason}")
    for name, key in (("onnx", "speedup"), ("served", "speedup_served")):
        if key in summary:
            print(f"speed-up, median torch / {name}: {summary[key]}x")
    if summary.get("untrained"):
        print("Untrained weights: speed, memory and fidelity to fp32 only, never accuracy.")


def percentile(values: list[float], percent: int) -> float:
    """The value `percent`% of the way up the sorted values (nearest rank, no interpolation)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]
