"""Shared fixtures: a real, untrained YOLO-World model built offline once per run."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from classifier import ModelConfig
from classifier.weights import sha256_of
from tests.conftest import CLASSES


@pytest.fixture(scope="session")
def untrained_config(untrained_weights: Path) -> ModelConfig:
    return ModelConfig(
        weights=untrained_weights,
        classes=CLASSES,
        sha256=sha256_of(untrained_weights),
        device="cpu",
    )


@pytest.fixture(scope="session")
def see_everything(untrained_config: ModelConfig) -> ModelConfig:
    """The untrained model with a threshold so low that boxes do come out.

    An untrained head scores every box about 5e-5 (its bias starts near -10,
    before a sigmoid), so 1e-5 lets real boxes through the whole pipeline.
    """
    return dataclasses.replace(untrained_config, confidence=0.00001)


@pytest.fixture
def photo() -> Image.Image:
    """A wide 800x450 picture of seeded noise, wider than the 640 network input."""
    pixels = np.random.default_rng(0).integers(0, 256, size=(450, 800, 3), dtype=np.uint8)
    return Image.fromarray(pixels, "RGB")


@pytest.fixture(scope="session")
def lively_weights(untrained_weights: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The untrained model with scores that depend on the image (classifier.untrained)."""
    from classifier.untrained import make_lively

    out = tmp_path_factory.mktemp("lively") / "yolov8s-worldv2-lively.pt"
    return make_lively(untrained_weights, out)


@pytest.fixture(scope="session")
def lively_onnx(lively_weights: Path) -> Path:
    """The lively model exported by `python -m classifier build`'s code, with its manifest.

    Tests that change or break its files work on copies.
    """
    from classifier.build import build_onnx

    out = lively_weights.with_suffix(".onnx")
    build_onnx(lively_weights, CLASSES, out, sha256=sha256_of(lively_weights))
    return out


@pytest.fixture(scope="session")
def onnx_config(lively_onnx: Path) -> ModelConfig:
    """The lively model served by the onnx backend (its manifest checks the file)."""
    return ModelConfig(weights=lively_onnx, backend="onnx", device="cpu", sha256=None)


@pytest.fixture(scope="session")
def openvino_config(onnx_config: ModelConfig) -> ModelConfig:
    """The same exported file on OpenVINO, in float32: comparable with the reference."""
    return dataclasses.replace(onnx_config, backend="openvino", precision="fp32")


@pytest.fixture(scope="session")
def lively_torch_config(lively_weights: Path) -> ModelConfig:
    """The same model through ultralytics on torch: the reference."""
    return ModelConfig(weights=lively_weights, sha256=sha256_of(lively_weights), device="cpu")
