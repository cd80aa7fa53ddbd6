"""`python -m classifier evaluate`: a labelled set (COCO's format) through a model variant.

Prints mAP50 and recall per class as a table, then the same as one JSON line.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import ModelConfig
from .errors import ImageError

if TYPE_CHECKING:
    from .detection import Detection
    from .detector import Detector
    from .evaluation import Evaluation


def evaluate_command(args: argparse.Namespace) -> int:
    import dataclasses

    from .detector import load_detector
    from .evaluation import evaluate
    from .labelled import LabelsError, read_labelled
    from .loading import ultralytics_logs_to_stderr

    served = ModelConfig.from_env()  # the worker's settings: its threshold is what recall uses
    config = dataclasses.replace(
        served,
        precision=args.precision or served.precision,
        confidence=min(args.min_score, served.confidence),  # the curve needs the low scores
    )
    images = args.images or args.annotations.parent
    try:
        photos = read_labelled(args.annotations, images, config.classes)  # before the slow part
        if config.backend == "torch":
            ultralytics_logs_to_stderr()
        detector = load_detector(config)
        found = [_found(detector, photo.path) for photo in photos]
    except LabelsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    truths = [photo.truths for photo in photos]
    result = evaluate(truths, found, classes=detector.classes, threshold=served.confidence)
    model = detector.describe()
    print(_table(result, model))
    print(json.dumps({"annotations": str(args.annotations), **_summary(result, model)}))
    if model.get("untrained"):
        print("Untrained weights: these figures say nothing about accuracy.", file=sys.stderr)
    return 0


def _found(detector: "Detector", path: Path) -> list["Detection"]:
    """What `detector` finds in the photo at `path`, turned upright as a worker turns uploads."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    from .labelled import LabelsError

    try:
        with Image.open(path) as image:
            return detector.detect(ImageOps.exif_transpose(image)).detections
    except (OSError, UnidentifiedImageError, ImageError) as exc:
        raise LabelsError(f"Cannot read the photo {path}: {exc}") from None


def _table(result: "Evaluation", model: dict[str, Any]) -> str:
    """The figures for people: one line per class with labelled boxes, then the mean."""
    lines = [
        f"{model['model']} ({model['backend']}) on {result.photos} photos, in "
        f"{model['precision_reason']}",
        f"{'class':<16} {'boxes':>6} {'AP50':>6} {'recall@' + format(result.threshold, 'g'):>12}",
    ]
    for score in result.classes:
        lines.append(f"{score.label:<16} {score.boxes:>6} {score.ap50:>6.3f} {score.recall:>12.3f}")
    lines.append(f"{'mAP50':<16} {'':>6} {result.map50:>6.3f}  over {len(result.classes)} classes")
    return "\n".join(lines)


def _summary(result: "Evaluation", model: dict[str, Any]) -> dict[str, Any]:
    """The same figures as one JSON object, with which model and precision made them."""
    return {
        "model": model["model"],
        "backend": model["backend"],
        "precision": model["precision"],
        "untrained": bool(model.get("untrained")),
        "photos": result.photos,
        "threshold": result.threshold,
        "map50": result.map50,
        "classes": {
            score.label: {"boxes": score.boxes, "ap50": score.ap50, "recall": score.recall}
            for score in result.classes
        },
    }
