"""Command line: python -m classifier {fetch-weights,build,evaluate,detect,make-untrained,serve} ...

Expected problems (no weights, bad settings, no network) print one line to
stderr and exit with status 1; only real bugs show a traceback.
"""

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from .config import (
    DEFAULT_CLASSES,
    DEFAULT_ONNX,
    DEFAULT_WEIGHTS,
    PRECISIONS,
    ModelConfig,
    valid_classes,
    valid_confidence,
)
from .errors import ImageError, ModelError
from .evaluate_command import evaluate_command
from .weights import YOLOV8L_WORLDV2_SHA256, YOLOV8L_WORLDV2_URL, fetch_weights, sha256_of

LIVELY_HELP = "with untrained weights: scores that vary with the image (benchmarks of fidelity)"
CALIBRATION_HELP = (
    "real photos for the int8 variant: half calibrate it, half measure it against fp32 "
    "(photos made in code join both halves); never your evaluation set"
)
PRECISION_HELP = "which of the model's variants; default BIRDAI_MODEL_PRECISION (auto: as a worker)"
MIN_SCORE_HELP = "the lowest score kept for the AP curve (ultralytics' validation: 0.001)"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def fetch_command(args: argparse.Namespace) -> int:
    expected = args.sha256 or None  # --sha256 "" downloads without checking
    print(f"Downloading {args.url} to {args.dest} ...", file=sys.stderr)
    dest = fetch_weights(args.dest, url=args.url, expected=expected)
    digest = sha256_of(dest)
    print(f"Saved {dest}\nsha256 {digest}")
    if expected is None:
        print("Not verified: no checksum given. Pin it in BIRDAI_MODEL_SHA256.", file=sys.stderr)
    return 0


def build_command(args: argparse.Namespace) -> int:
    from .build import build_onnx
    from .loading import ultralytics_logs_to_stderr

    classes = _classes(args.classes)
    arch = args.arch if args.untrained else None
    if args.calibration is not None and not args.calibration.is_dir():  # before the slow part
        raise ModelError(f"--calibration {args.calibration} is not a folder of photos")
    ultralytics_logs_to_stderr()
    manifest = build_onnx(
        args.weights, classes, args.out, args.imgsz, args.sha256 or None, arch, lively=args.lively
    )
    print(f"Saved {args.out} and its manifest for {list(classes)}\nsha256 {manifest.onnx_sha256}")
    if not args.fp32_only:
        _build_variants(args.out, args.calibration)
    if manifest.untrained:  # its int8 variant agrees with fp32, or not: nothing about accuracy
        print("Untrained weights: for tests and benchmarks only.", file=sys.stderr)
    return 0


def _build_variants(onnx: Path, calibration: Path | None) -> None:
    from .build_bf16 import add_bf16_variant
    from .build_int8 import add_int8_variant
    from .build_measure import variant_summary

    if calibration is None:
        print("No --calibration folder: int8 calibrated on made photos only", file=sys.stderr)
    print(variant_summary(onnx, add_int8_variant(onnx, calibration), "int8"))
    try:
        print(variant_summary(onnx, add_bf16_variant(onnx, calibration), "bf16"))
    except ModelError as exc:  # most CPUs: no bf16, which is no reason to fail the build
        print(f"No bf16 variant: {exc}", file=sys.stderr)


def detect_command(args: argparse.Namespace) -> int:
    from PIL import Image, UnidentifiedImageError

    from .detector import load_detector
    from .loading import ultralytics_logs_to_stderr

    config = ModelConfig.from_env()
    if config.backend == "torch":  # the onnx backend never imports ultralytics (nor torch)
        ultralytics_logs_to_stderr()  # stdout carries nothing but the JSON lines
    detector = load_detector(config)
    status = 0
    for path in args.images:
        try:
            with Image.open(path) as image:
                run = detector.detect(image)
        except (OSError, UnidentifiedImageError, ImageError) as exc:  # one bad file: go on
            print(f"error: cannot read image {path}: {exc}", file=sys.stderr)
            status = 1
            continue
        print(json.dumps({"image": str(path), **asdict(run)}))
    return status


def _score(raw: str) -> float:
    try:
        return valid_confidence(float(raw))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def serve_command(args: argparse.Namespace) -> int:
    from .server import serve

    return serve(args.host, args.port)


def untrained_command(args: argparse.Namespace) -> int:
    from .untrained import build_untrained

    classes = _classes(args.classes)
    try:
        out = build_untrained(args.arch, classes, args.out, seed=args.seed, lively=args.lively)
    except FileNotFoundError as exc:  # unknown architecture
        raise ModelError(str(exc)) from exc
    print(f"Saved untrained {args.arch} for {list(classes)} to {out}\nsha256 {sha256_of(out)}")
    return 0


def _classes(raw: str) -> tuple[str, ...]:
    try:
        return valid_classes(tuple(c.strip() for c in raw.split(",") if c.strip()))
    except ValueError as exc:
        raise ModelError(str(exc)) from exc


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m classifier", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    fetch = commands.add_parser("fetch-weights", help="download the production weights")
    fetch.add_argument("--dest", type=Path, default=DEFAULT_WEIGHTS)
    fetch.add_argument("--url", default=YOLOV8L_WORLDV2_URL)
    fetch.add_argument("--sha256", default=YOLOV8L_WORLDV2_SHA256, help="expected checksum")
    fetch.set_defaults(run=fetch_command)

    build = commands.add_parser("build", help="export the weights to ONNX, with a manifest")
    build.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS, help="the .pt checkpoint")
    build.add_argument("--sha256", default=YOLOV8L_WORLDV2_SHA256, help="its expected checksum")
    build.add_argument("--classes", default=",".join(DEFAULT_CLASSES))
    build.add_argument("--out", type=Path, default=DEFAULT_ONNX)
    build.add_argument("--imgsz", type=int, default=640)
    build.add_argument("--untrained", action="store_true", help="random weights, no download")
    build.add_argument("--arch", default="yolov8l-worldv2.yaml", help="with --untrained")
    build.add_argument("--lively", action="store_true", help=LIVELY_HELP)
    build.add_argument("--calibration", type=Path, metavar="DIR", help=CALIBRATION_HELP)
    build.add_argument("--fp32-only", action="store_true", help="no int8 or bf16 variant")
    build.set_defaults(run=build_command)

    evaluate = commands.add_parser(
        "evaluate", help="mAP50 and recall per class on a labelled set (COCO's format)"
    )
    evaluate.add_argument(
        "--annotations", type=Path, required=True, metavar="FILE", help="COCO's JSON format"
    )
    evaluate.add_argument("--images", type=Path, metavar="DIR", help="default: FILE's folder")
    evaluate.add_argument("--precision", choices=PRECISIONS, help=PRECISION_HELP)
    evaluate.add_argument("--min-score", type=_score, default=0.001, help=MIN_SCORE_HELP)
    evaluate.set_defaults(run=evaluate_command)

    detect = commands.add_parser("detect", help="print one JSON line per image")
    detect.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    detect.set_defaults(run=detect_command)

    untrained = commands.add_parser("make-untrained", help="build a random-weight model offline")
    untrained.add_argument("--arch", default="yolov8s-worldv2.yaml")
    untrained.add_argument("--classes", default=",".join(DEFAULT_CLASSES))
    untrained.add_argument("--out", type=Path, required=True)
    untrained.add_argument("--seed", type=int, default=0)
    untrained.add_argument("--lively", action="store_true", help=LIVELY_HELP)
    untrained.set_defaults(run=untrained_command)

    serve = commands.add_parser("serve", help="the inference service: the model over HTTP")
    serve.add_argument("--host", default="127.0.0.1", help="0.0.0.0 in a container")
    serve.add_argument("--port", type=int, default=8001, help="0: any free port (tests)")
    serve.set_defaults(run=serve_command)
    return parser


if __name__ == "__main__":
    sys.exit(main())
