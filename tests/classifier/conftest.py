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
