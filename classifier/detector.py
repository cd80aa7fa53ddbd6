"""Running YOLO-World on one image at a time."""

import functools
import threading
import time
from typing import TYPE_CHECKING, Any

from .config import ModelConfig
from .detection import Box, Detection, DetectionRun
from .errors import ModelError
from .loading import checkpoint_classes, open_model

if TYPE_CHECKING:  # only for type hints: torch and ultralytics load lazily
    from PIL.Image import Image
    from ultralytics import YOLOWorld


class Detector:
    """A loaded model on its device, ready to look at images."""

    def __init__(self, model: "YOLOWorld", config: ModelConfig, device: str) -> None:
        self.model = model
        self.config = config
        self.device = device
        self.classes = checkpoint_classes(model)
        # The ultralytics predictor keeps per-call state, so one call at a time.
        self._lock = threading.Lock()

    def detect(self, image: "Image") -> DetectionRun:
        """Find the configured classes in `image`."""
        pixels = _bgr_pixels(image)
        with self._lock:
            start = time.perf_counter()
            [result] = self.model.predict(  # one image in, one result out
                pixels,
                conf=self.config.confidence,
                imgsz=self.config.imgsz,
                device=self.device,
                verbose=False,
            )
            elapsed_ms = (time.perf_counter() - start) * 1000
        return DetectionRun(
            detections=to_detections(result),
            inference_ms=elapsed_ms,
            device=self.device,
            model_name=self.config.weights.stem,
            classes=self.classes,
        )


@functools.cache
def load_detector(config: ModelConfig) -> Detector:
    """Load the model once per process per config; later calls return the same one."""
    model = open_model(config)
    device = resolve_device(config.device)
    model.to(device)  # once, here: moving weights per request would cost more than inference
    detector = Detector(model, config, device)
    # The first predict call builds the predictor and fuses layers (seconds on a
    # CPU). Doing it now keeps that cost out of the first user's request time.
    detector.detect(_blank_image(config.imgsz))
    return detector


def detect(image: "Image", config: ModelConfig | None = None) -> list[Detection]:
    """Find objects in `image` with the model `config` (default: from the environment)."""
    return load_detector(config or ModelConfig.from_env()).detect(image).detections


def resolve_device(device: str) -> str:
    """Turn "auto" into "cuda" or "cpu", and refuse a GPU that is not there."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ModelError(f"Device {device!r} was asked for, but torch sees no CUDA GPU")
    return device


def to_detections(result: Any) -> list[Detection]:
    """Turn one ultralytics `Results` into Detections.

    `boxes.xyxy` is already scaled back from the resized network input to the
    pixels of the original image, and clipped to its edges.
    """
    boxes = result.boxes
    rows = zip(boxes.xyxy.tolist(), boxes.conf.tolist(), boxes.cls.tolist(), strict=True)
    return [
        Detection(label=result.names[int(cls)], confidence=float(conf), box=Box(*map(float, xyxy)))
        for xyxy, conf, cls in rows
    ]


def _bgr_pixels(image: "Image") -> Any:
    """The image as an OpenCV-style BGR array, which is what ultralytics works in.

    Ultralytics would also take the PIL image, but it then applies the EXIF
    rotation first, so the boxes would not match `image.size`. Passing the
    pixels keeps boxes in the coordinates of the image as the caller has it.
    """
    import numpy as np

    rgb = np.asarray(image.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1])


def _blank_image(size: int) -> "Image":
    from PIL import Image

    return Image.new("RGB", (size, size))
