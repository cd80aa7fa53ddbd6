"""python -m bench.inference: the model in the worker's process against the inference service.

The same photos, one at a time, from the file's bytes to the detections, both
ways in turn in one process: the model loaded there ("in_process", what a worker
does by default), and through `python -m classifier serve` on loopback ("http",
what BIRDAI_INFERENCE_URL selects). Taking turns photo by photo means both see
the same load from whatever else runs on the machine; the gap in each pair is
the cost of the hop. Also the memory (RSS) of the service, for Kubernetes'
requests and limits, and of a worker with and without the model.
--quick: the small architecture, 2 images, 1 round.
"""

import argparse
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from PIL import Image

import classifier
from bench.child import run_in_child
from bench.classifier import SIZES
from bench.machine import machine, machine_line
from bench.options import parse_args
from bench.report import percentile
from classifier.manifest import read_manifest

DEFAULT_ONNX = Path("models/yolov8l-worldv2-untrained.onnx")  # make model-untrained
QUICK = {"arch": "yolov8s-worldv2.yaml", "onnx": None, "images": 2, "rounds": 1}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(_parser(), QUICK, argv)
    if args.child:
        print(json.dumps(measure(json.loads(args.child))))
        return 0
    before = machine()
    onnx = _model(args)
    server, url = _start_service(onnx, args)
    job = {"images": args.images, "rounds": args.rounds, "onnx": str(onnx), "url": url}
    job |= {"classes": list(read_manifest(onnx).classes), "device": args.device}
    try:
        idle_mb = _rss_mb(server.pid, "VmRSS")
        client = run_in_child("bench.inference", {**job, "mode": "client"})
        paired = run_in_child("bench.inference", {**job, "mode": "paired", "threads": args.threads})
        service = {"idle_rss_mb": idle_mb, "peak_rss_mb": _rss_mb(server.pid, "VmHWM")}
    finally:
        server.terminate()
        server.wait(timeout=30)
    summary = {**before, "model": onnx.stem, "images": args.images, "rounds": args.rounds}
    summary |= {**paired, "service": service, "client": client}
    _print_table(summary)
    print(json.dumps(summary))
    return 0


def measure(job: dict[str, Any]) -> dict[str, Any]:
    """In a child: "client" only talks to the service (its memory is a worker's without
    the model); "paired" also loads the model and times both ways on each photo."""
    os.environ["BIRDAI_INFERENCE_URL"] = job["url"]
    remote = classifier.load_detector_from_env()
    files = [_photo(i, SIZES[i % len(SIZES)]) for i in range(job["images"])]
    if job["mode"] == "client":
        for data in files:
            remote.detect(Image.open(io.BytesIO(data)))
        return {
            "peak_rss_mb": _rss_mb("self", "VmHWM"),
            "onnxruntime": "onnxruntime" in sys.modules,
        }
    config = classifier.ModelConfig(
        weights=job["onnx"],
        classes=job["classes"],
        sha256=None,
        device=job["device"],
        threads=job["threads"],
    )
    return _paired(classifier.load_detector(config), remote, files, job["rounds"])


def _paired(
    local: classifier.Detector, remote: classifier.Detector, files: list[bytes], rounds: int
) -> dict[str, Any]:
    """Each photo in-process then over HTTP (or the other way round, in turns), so that
    both see the same load from whatever else runs on the machine."""
    for data in files:  # untimed: each new input shape is planned once, on both sides
        local.detect(Image.open(io.BytesIO(data)))
        remote.detect(Image.open(io.BytesIO(data)))
    times: dict[str, list[float]] = {"in_process": [], "http": []}
    outside: dict[str, list[float]] = {"in_process": [], "http": []}  # beside the network
    for turn in range(rounds * len(files)):
        data = files[turn % len(files)]
        ways = [("in_process", local), ("http", remote)][:: 1 if turn % 2 else -1]
        for name, detector in ways:
            start = time.perf_counter()
            run = detector.detect(Image.open(io.BytesIO(data)))  # decoding included, both ways
            times[name].append(time.perf_counter() - start)
            outside[name].append(times[name][-1] - run.inference_ms / 1000)
    # Per pair, not of the two medians: the photos' sizes differ, and so do their times.
    walls = list(zip(times["http"], times["in_process"], strict=True))
    rest = list(zip(outside["http"], outside["in_process"], strict=True))
    return {
        **{name: _figures(seconds) for name, seconds in times.items()},
        "ratio": round(statistics.median(http / here for http, here in walls), 3),
        "wall_gap_ms": round(statistics.median(http - here for http, here in walls) * 1000, 1),
        # The network's own time (inference_ms, measured where it runs) left out: what
        # remains is decoding both ways, plus the hop over HTTP. Much less noisy.
        "hop_ms": round(statistics.median(http - here for http, here in rest) * 1000, 1),
        "worker_with_model_peak_rss_mb": _rss_mb("self", "VmHWM"),
    }


def _figures(seconds: list[float]) -> dict[str, float]:
    return {
        "median_s": round(statistics.median(seconds), 4),
        "p95_s": round(percentile(seconds, 95), 4),
    }


def _photo(index: int, size: tuple[int, int]) -> bytes:
    """A photo-sized JPEG of smooth random blobs, the same on every run."""
    import numpy as np
    from PIL import Image

    small = np.random.default_rng(index).integers(0, 256, (size[1] // 16, size[0] // 16, 3))
    blobs = Image.fromarray(small.astype(np.uint8)).resize(size, Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    blobs.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _model(args: argparse.Namespace) -> Path:
    """--onnx if it is there; else (--quick, or no `make model-untrained` yet) build one."""
    if args.onnx and (args.onnx.is_file() or args.onnx != DEFAULT_ONNX):
        return Path(args.onnx)  # a missing one fails loading, with the loader's message
    from classifier.build import build_onnx
    from classifier.config import DEFAULT_CLASSES

    out = args.workdir / f"{Path(args.arch).stem}-untrained.onnx"
    if not out.is_file():
        args.workdir.mkdir(parents=True, exist_ok=True)
        build_onnx(None, DEFAULT_CLASSES, out, untrained_arch=args.arch)
    return out


def _start_service(onnx: Path, args: argparse.Namespace) -> tuple[subprocess.Popen[bytes], str]:
    port = args.port or _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BIRDAI_")} | {
        "BIRDAI_MODEL_WEIGHTS": str(onnx),
        "BIRDAI_MODEL_CLASSES": ",".join(read_manifest(onnx).classes),
        "BIRDAI_MODEL_SHA256": "skip",
        "BIRDAI_MODEL_DEVICE": args.device,
        "BIRDAI_MODEL_THREADS": str(args.threads),
        "BIRDAI_INFERENCE_BATCH_SIZE": "1",  # one photo at a time, as in-process
    }
    command = [sys.executable, "-m", "classifier", "serve", "--port", str(port)]
    args.workdir.mkdir(parents=True, exist_ok=True)
    log = args.workdir / "inference-service.log"
    with log.open("w") as output:  # its access log would drown the table
        # Our own interpreter and module, with arguments we built: S603 does not apply.
        server = subprocess.Popen(command, env=env, stdout=output, stderr=output)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while server.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as ready:  # noqa: S310
                if ready.status == 200:
                    return server, url
        except OSError:  # not listening yet, or 503 while the model loads
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"the inference service did not become ready:\n{log.read_text()}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _rss_mb(pid: int | str, field: str) -> int:
    """VmRSS (now) or VmHWM (peak) of a process, in MB, from the kernel (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024)
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def _print_table(summary: dict[str, Any]) -> None:
    print(machine_line(summary))
    print(f"{'per image':<12}{'median s':>10}{'p95 s':>9}")
    for name in ("in_process", "http"):
        print(f"{name:<12}{summary[name]['median_s']:>10.3f}{summary[name]['p95_s']:>9.3f}")
    print(f"hop: {summary['hop_ms']} ms per image ({summary['wall_gap_ms']} ms in wall time); "
          f"http / in-process: {summary['ratio']}x")  # fmt: skip
    service, client = summary["service"], summary["client"]
    print(f"RSS: service {service['idle_rss_mb']} MB idle, {service['peak_rss_mb']} MB peak; "
          f"worker {summary['worker_with_model_peak_rss_mb']} MB with the model, "
          f"{client['peak_rss_mb']} MB without")  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.inference", description=__doc__)
    parser.add_argument("--onnx", type=Path, default=DEFAULT_ONNX, help="an .onnx with manifest")
    parser.add_argument("--arch", default="yolov8l-worldv2.yaml", help="built untrained if absent")
    parser.add_argument("--workdir", type=Path, default=Path("models/bench"), help="for that build")
    parser.add_argument("--images", type=int, default=8, help="distinct photos per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="0: one per core")
    parser.add_argument("--device", default="cpu", help="cpu, cuda[:N] or tensorrt[:N]")
    parser.add_argument("--port", type=int, default=0, help="the service's; 0: a free one")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser


if __name__ == "__main__":
    sys.exit(main())
