"""The Detector interface, and loading the backend a config asks for.

Three backends do the same job: `torch` runs ultralytics on PyTorch (the
reference), `onnx` runs an exported model on ONNX Runtime (faster, lighter, no
torch), `openvino` runs that same file on Intel's OpenVINO (CPU only; bfloat16
on CPUs with AMX). `BIRDAI_MODEL_BACKEND` picks one; callers only see a Detector.
"""

import functools
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .config import ModelConfig
from .detection import Detection, DetectionRun
from .pixels import rgb_pixels

if TYPE_CHECKING:  # only for type hints: numpy and PIL load lazily
    import numpy as np
    from PIL.Image import Image


class Detector(ABC):
    """A loaded model on its device, ready to look at images."""

    def __init__(self, config: ModelConfig, device: str, classes: tuple[str, ...]) -> None:
        self.config = config
        self.device = device  # where inference actually runs, e.g. "cpu" or "cuda:0"
        self.classes = classes  # the labels the model scores, in its own order

    @property
    def precision(self) -> str:
        """What the network computes in; exported models may serve a lower one."""
        return "fp32"

    def detect(self, image: "Image") -> DetectionRun:
        """Find the configured classes in `image` (any PIL mode; converted to RGB)."""
        [run] = self.detect_batch([image])
        return run

    def detect_batch(self, images: Sequence["Image"]) -> list[DetectionRun]:
        """One run per image, in order, from a single pass through the network.

        Raises classifier.ImageError for an image that cannot be used at all.
        """
        return self.detect_pixels([rgb_pixels(image) for image in images])

    def detect_pixels(self, pixels: list["np.ndarray"]) -> list[DetectionRun]:
        """detect_batch for images already turned into arrays by classifier.pixels.rgb_pixels.

        The inference server converts in its request threads, so that a bad image is
        refused there and the batch only runs the network.
        """
        return self._detect_pixels(pixels) if pixels else []

    @abstractmethod
    def _detect_pixels(self, pixels: list["np.ndarray"]) -> list[DetectionRun]:
        """The backend's part: (height, width, 3) uint8 RGB arrays in, one run each out."""

    @abstractmethod
    def describe(self) -> dict[str, Any]:
        """Which model, backend, device and settings: JSON-ready, for /readyz and logs."""

    def _runs(self, found: list[list[Detection]], elapsed_ms: float) -> list[DetectionRun]:
        """Wrap per-image detections; each image is charged an equal share of the batch time."""
        share = elapsed_ms / max(len(found), 1)
        return [
            DetectionRun(
                detections=detections,
                inference_ms=share,
                device=self.device,
                model_name=self.config.weights.stem,
                classes=self.classes,
                precision=self.precision,
            )
            for detections in found
        ]


@functools.cache
def load_detector(config: ModelConfig) -> Detector:
    """Load the model once per process per config; later calls return the same one."""
    detector: Detector
    if config.backend == "onnx":
        from .onnx_backend import load_onnx_detector

        detector = load_onnx_detector(config)
    elif config.backend == "openvino":
        from .openvino_backend import load_openvino_detector

        detector = load_openvino_detector(config)
    else:
        from .torch_backend import load_torch_detector

        detector = load_torch_detector(config)
    # The first call builds and plans everything (seconds on a CPU). Doing it now
    # keeps that cost out of the first user's request time.
    detector.detect(_blank_image(config.imgsz))
    return detector


def load_detector_from_env() -> Detector:
    """The model the BIRDAI_MODEL_* variables name, loaded once per process.

    With BIRDAI_INFERENCE_URL set, the inference service at that URL instead
    (remote.py), once it is ready. The worker calls this at start, so a missing
    or broken model, or a service that never becomes ready, stops it there.
    """
    from .service_config import RemoteSettings

    remote = RemoteSettings.from_env()
    if remote is not None:
        from .remote import connect_remote

        return connect_remote(remote)
    return load_detector(ModelConfig.from_env())


def detect(image: "Image", config: ModelConfig | None = None) -> list[Detection]:
    """Find objects in `image` with the model `config` (default: from the environment)."""
    return load_detector(config or ModelConfig.from_env()).detect(image).detections


def _blank_image(size: int) -> "Image":
    from PIL import Image

    return Image.new("RGB", (size, size))
