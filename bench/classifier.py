"""python -m bench.classifier: stock ultralytics against our ONNX path, same images, same run.

Each backend runs in a fresh child process, so its peak memory (RSS) is its own:
the torch child pays for torch, the ONNX child never imports it. Without
--weights and --onnx, an untrained model of --arch is built first: its speed and
memory are the real model's, its detections are meaningless. The "served" row is
what a worker serves by default on this machine: the precision its CPU flags and
the fidelity gate choose among the build's variants (classifier.precision), and
why. --quick: the small architecture, torch, onnx and served, 2 images, 1 round.
"""

import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.child import run_in_child
from bench.classifier_setup import VARIANTS, prepare
from bench.machine import machine
from bench.options import parse_args
from bench.report import percentile, print_table, summary_of

if TYPE_CHECKING:
    from PIL import Image

    from classifier.detector import Detector

# Typical upload shapes: 4:3 and 16:9 landscape, 3:4 portrait.
SIZES = ((1600, 1200), (1920, 1080), (1200, 1600), (2048, 1536))
# The small architecture: the same code paths as the large one, in seconds.
QUICK = {"arch": "yolov8s-worldv2.yaml", "images": 2, "rounds": 1, "variants": "torch,onnx,served"}
# The CPU's instructions that decide which precision is fast (classifier.precision.FAST_ON).
PRECISION_FLAGS = (
    "avx2", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_bf16", "amx_int8", "asimddp",
)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = parse_args(_parser(), QUICK, argv)
    if args.child:
        print(json.dumps(measure(json.loads(args.child))))
        return 0
    unknown = set(args.variants.split(",")) - set(VARIANTS)
    if unknown:
        _parser().error(f"unknown variants {sorted(unknown)}; known: {', '.join(VARIANTS)}")
    variants = [VARIANTS[name] for name in args.variants.split(",")]
    # The load average before we add ours (others share this machine), and the CPU's flags.
    before = {**machine(), "cpu_flags": _precision_flags()}
    setup = prepare(args, variants, SIZES)
    results = {
        variant.name: run_in_child("bench.classifier", setup[variant.name]) for variant in variants
    }
    summary = summary_of(args, before, results)
    print_table(results, summary)
    print(json.dumps(summary))
    return 0


def measure(job: dict[str, Any]) -> dict[str, Any]:
    """In the child: load, warm up, then time `rounds` passes over the images."""
    from classifier.config import ModelConfig
    from classifier.detector import load_detector

    config = ModelConfig(**job["config"])
    started = time.perf_counter()
    detector = load_detector(config)  # includes one warm-up call
    load_s = time.perf_counter() - started
    # Keep the files' bytes, and decode one batch at a time as a worker would, so
    # the peak memory is the model's, not that of every decoded photo at once.
    files = [Path(path).read_bytes() for path in job["images"]]
    batch = job["batch"]
    groups = [files[i : i + batch] for i in range(0, len(files), batch)]
    for group in groups:  # untimed: each new input shape is planned once
        detector.detect_batch(_decoded(group))
    latencies, busy_s = _timed(detector, groups, job["rounds"])
    return {
        "median_s": round(statistics.median(latencies), 4),
        "p95_s": round(percentile(latencies, 95), 4),
        "images_per_s": round(len(latencies) / busy_s, 3),
        "peak_rss_mb": _peak_rss_mb(),
        "load_s": round(load_s, 2),
        "torch_loaded": "torch" in sys.modules,
        # What the numbers are computed in, and why: the int8 copies are the benchmark's own.
        **_precision(detector, job["int8"]),
        "describe": detector.describe(),
    }


def _precision(detector: "Detector", int8: str) -> dict[str, str]:
    if int8:
        return {"precision": "int8", "precision_reason": f"int8: the benchmark's {int8} copy"}
    described = detector.describe()
    return {key: described[key] for key in ("precision", "precision_reason")}


def _precision_flags() -> dict[str, bool]:
    from classifier.precision import cpu_flags

    flags = cpu_flags()
    return {flag: flag in flags for flag in PRECISION_FLAGS}


def _timed(
    detector: "Detector", groups: list[list[bytes]], rounds: int
) -> tuple[list[float], float]:
    """Seconds per image of each timed call, and the seconds spent in calls in all."""
    latencies: list[float] = []
    busy_s = 0.0
    for _ in range(rounds):
        for group in groups:
            images = _decoded(group)  # not timed: the worker decodes before detecting
            start = time.perf_counter()
            detector.detect_batch(images)
            elapsed = time.perf_counter() - start
            busy_s += elapsed
            latencies += [elapsed / len(group)] * len(group)
    return latencies, busy_s


def _decoded(files: list[bytes]) -> list["Image.Image"]:
    from PIL import Image

    images: list[Image.Image] = [Image.open(io.BytesIO(data)) for data in files]
    for image in images:
        image.load()  # decode now, outside the timed call
    return images


def _peak_rss_mb() -> int:
    """This process's peak resident memory, from the kernel's high-water mark.

    Not getrusage's ru_maxrss: Linux carries that over from the parent across
    exec, so every child would report the parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)  # the kernel reports kB
    raise RuntimeError("no VmHWM in /proc/self/status: peak memory needs Linux")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.classifier", description=__doc__)
    parser.add_argument("--arch", default="yolov8l-worldv2.yaml", help="for the untrained model")
    parser.add_argument("--weights", type=Path, help="a .pt checkpoint instead of untrained")
    parser.add_argument("--onnx", type=Path, help="its .onnx build, with the manifest beside it")
    parser.add_argument("--workdir", type=Path, default=Path("models/bench"), help="kept for reuse")
    parser.add_argument("--images", type=int, default=8, help="distinct images per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="0: one per core")
    parser.add_argument("--device", default="cpu", help="cpu, cuda[:N] or tensorrt[:N]")
    parser.add_argument("--variants", default="torch,onnx,served", help=f"of {','.join(VARIANTS)}")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser


if __name__ == "__main__":
    sys.exit(main())
