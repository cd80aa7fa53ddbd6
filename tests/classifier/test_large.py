"""The production architecture, YOLO-World large, through the production code path."""

from pathlib import Path

import pytest
from PIL import Image

from classifier import ModelConfig, load_detector
from classifier.build import build_onnx
from classifier.untrained import build_untrained
from classifier.weights import sha256_of

CLASSES = ("squirrel", "bird", "person", "dog", "cat")


@pytest.mark.model
def test_large_world_model_loads_and_detects(tmp_path: Path, photo: Image.Image) -> None:
    # Same layers as yolov8l-worldv2.pt, random weights: proves loading and
    # inference work for the real architecture, says nothing about accuracy.
    weights = build_untrained("yolov8l-worldv2.yaml", CLASSES, tmp_path / "yolov8l-worldv2.pt")
    config = ModelConfig(weights=weights, sha256=sha256_of(weights), device="cpu")
    assert config.classes == CLASSES  # the production defaults, no CLIP needed
    run = load_detector(config).detect(photo)
    assert run.model_name == "yolov8l-worldv2"
    assert run.classes == CLASSES
    assert run.inference_ms > 0
    assert isinstance(run.detections, list)
    print(f"yolov8l-worldv2 on CPU: {run.inference_ms:.0f} ms for an 800x450 image")


@pytest.mark.model
def test_large_world_model_through_onnx(tmp_path: Path, photo: Image.Image) -> None:
    # What `python -m classifier build --untrained` does, then the ONNX serving path.
    out = tmp_path / "yolov8l-worldv2.onnx"
    build_onnx(None, CLASSES, out, untrained_arch="yolov8l-worldv2.yaml")
    detector = load_detector(ModelConfig(weights=out, backend="onnx", device="cpu", sha256=None))
    run = detector.detect(photo)
    assert run.model_name == "yolov8l-worldv2"
    assert run.classes == CLASSES
    assert detector.describe()["untrained"] is True
    print(f"yolov8l-worldv2 on ONNX Runtime, CPU: {run.inference_ms:.0f} ms for an 800x450 image")
