"""python -m bench.classifier: stock ultralytics against our ONNX path, same images, same run.

Each backend runs in a fresh child process, so its peak memory (RSS) is its own:
the torch child pays for torch, the ONNX child never imports it. Without
--weights and --onnx, an untrained model of --arch is built first: its speed and
memory are the real model's, its detections are meaningless. --quick: the small
architecture, torch and onnx, 2 images, 1 round.
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
QUICK = {"arch": "yolov8s-worldv2.yaml", "images": 2, "rounds": 1, "variants": "torch,onnx"}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(_parser(), QUICK, argv)
    if args.child:
        print(json.dumps(measure(json.loads(args.child))))
        return 0
    unknown = set(args.variants.split(",")) - set(VARIANTS)
    if unknown:
        _parser().error(f"unknown variants {sorted(unknown)}; known: {', '.join(VARIANTS)}")
    variants = [VARIANTS[name] for name in args.variants.split(",")]
    before = machine()  # the load average before we add ours: others share this machine
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
        # What the numbers are computed in: int8 copies say so; torch is always fp32.
        "precision": "int8" if job["int8"] else detector.describe().get("precision", "fp32"),
        "describe": detector.describe(),
    }


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
    parser.add_argument("--variants", default="torch,onnx", help=f"of {','.join(VARIANTS)}")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser


if __name__ == "__main__":
    sys.exit(main())
