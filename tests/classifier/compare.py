"""Comparing two backends' detections on the same images."""

import numpy as np
import pytest
from PIL import Image

from classifier import Detection


def noise(width: int, height: int, seed: int = 0) -> Image.Image:
    pixels = np.random.default_rng(seed).integers(0, 256, size=(height, width, 3), dtype=np.uint8)
    return Image.fromarray(pixels, "RGB")


def iou(a: Detection, b: Detection) -> float:
    width = max(0.0, min(a.box.x2, b.box.x2) - max(a.box.x1, b.box.x1))
    height = max(0.0, min(a.box.y2, b.box.y2) - max(a.box.y1, b.box.y1))
    inter = width * height

    def area(d: Detection) -> float:
        return (d.box.x2 - d.box.x1) * (d.box.y2 - d.box.y1)

    return inter / (area(a) + area(b) - inter)


def assert_same_detections(
    expected: list[Detection],
    actual: list[Detection],
    *,
    min_iou: float = 0.999,
    score: float = 1e-4,
) -> None:
    """Same boxes, labels and scores, up to float32 rounding between the two runtimes."""
    assert len(actual) == len(expected)
    for want in expected:
        match = max(actual, key=lambda got: (got.label == want.label, iou(got, want)))
        assert match.label == want.label
        assert iou(match, want) > min_iou, (want, match)
        assert match.confidence == pytest.approx(want.confidence, abs=score)
