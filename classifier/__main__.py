"""Command line: python -m classifier {fetch-weights,detect,make-untrained} ...

Expected problems (no weights, bad settings, no network) print one line to
stderr and exit with status 1; only real bugs show a traceback.
"""

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from .config import DEFAULT_CLASSES, DEFAULT_WEIGHTS, ModelConfig, valid_classes
from .errors import ModelError
from .weights import YOLOV8L_WORLDV2_SHA256, YOLOV8L_WORLDV2_URL, fetch_weights, sha256_of


def main(argv: list[str] | None = None) -> int:
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


def detect_command(args: argparse.Namespace) -> int:
    from PIL import Image, UnidentifiedImageError

    from .detector import load_detector

    config = ModelConfig.from_env()
    _ultralytics_logs_to_stderr()  # stdout carries nothing but the JSON lines
    detector = load_detector(config)
    status = 0
    for path in args.images:
        try:
            with Image.open(path) as image:
                run = detector.detect(image)
        except (OSError, UnidentifiedImageError) as exc:  # one bad file should not stop the rest
            print(f"error: cannot read image {path}: {exc}", file=sys.stderr)
            status = 1
            continue
        print(json.dumps({"image": str(path), **asdict(run)}))
    return status


def _ultralytics_logs_to_stderr() -> None:
    import logging

    from .loading import import_yolo_world

    import_yolo_world()  # ultralytics sets up its log handler when imported
    for handler in logging.getLogger("ultralytics").handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(sys.stderr)


def untrained_command(args: argparse.Namespace) -> int:
    from .untrained import build_untrained

    try:
        classes = valid_classes(tuple(c.strip() for c in args.classes.split(",") if c.strip()))
        out = build_untrained(args.arch, classes, args.out, seed=args.seed)
    except (ValueError, FileNotFoundError) as exc:  # bad class list, unknown architecture
        raise ModelError(str(exc)) from exc
    print(f"Saved untrained {args.arch} for {list(classes)} to {out}\nsha256 {sha256_of(out)}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m classifier", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    fetch = commands.add_parser("fetch-weights", help="download the production weights")
    fetch.add_argument("--dest", type=Path, default=DEFAULT_WEIGHTS)
    fetch.add_argument("--url", default=YOLOV8L_WORLDV2_URL)
    fetch.add_argument("--sha256", default=YOLOV8L_WORLDV2_SHA256, help="expected checksum")
    fetch.set_defaults(run=fetch_command)

    detect = commands.add_parser("detect", help="print one JSON line per image")
    detect.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    detect.set_defaults(run=detect_command)

    untrained = commands.add_parser("make-untrained", help="build a random-weight model offline")
    untrained.add_argument("--arch", default="yolov8s-worldv2.yaml")
    untrained.add_argument("--classes", default=",".join(DEFAULT_CLASSES))
    untrained.add_argument("--out", type=Path, required=True)
    untrained.add_argument("--seed", type=int, default=0)
    untrained.set_defaults(run=untrained_command)
    return parser


if __name__ == "__main__":
    sys.exit(main())
