"""The reference backend: ultralytics YOLO-World on PyTorch, from a .pt checkpoint."""

import threading
import time
from typing import TYPE_CHECKING, Any

import numpy as np  # this module loads only with a torch model, never at `import classifier`

from .config import ModelConfig
from .detection import Box, Detection, DetectionRun
from .detector import Detector
from .errors import ModelError
from .loading import checkpoint_classes, open_model

if TYPE_CHECKING:  # only for type hints: torch and ultralytics load lazily
    from ultralytics import YOLOWorld


class TorchDetector(Detector):
    """Ultralytics' own predict: the behaviour the ONNX backend is checked against."""

    def __init__(self, model: "YOLOWorld", config: ModelConfig, device: str) -> None:
        super().__init__(config, device, checkpoint_classes(model))
        self.model = model
        # The ultralytics predictor keeps per-call state, so one call at a time.
        self._lock = threading.Lock()

    def _detect_pixels(self, pixels: list["np.ndarray"]) -> list[DetectionRun]:
        # Ultralytics works in OpenCV's BGR order. It would take PIL images too,
        # but then applies their EXIF rotation, so boxes would not match `image.size`.
        bgr = [np.ascontiguousarray(rgb[:, :, ::-1]) for rgb in pixels]
        with self._lock:
            start = time.perf_counter()
            results = self.model.predict(
                bgr,
                conf=self.config.confidence,
                imgsz=self.config.imgsz,
                device=self.device,
                verbose=False,
            )
            elapsed_ms = (time.perf_counter() - start) * 1000
        return self._runs([to_detections(result) for result in results], elapsed_ms)

    def describe(self) -> dict[str, Any]:
        import torch
        import ultralytics

        return {
            "backend": "torch",
            "model": self.config.weights.stem,
            "weights": str(self.config.weights),
            "device": self.device,
            "threads": torch.get_num_threads(),
            "classes": list(self.classes),
            "imgsz": self.config.imgsz,
            "precision": "fp32",
            "precision_reason": "fp32: the torch backend runs the checkpoint as it is",
            "versions": {"torch": torch.__version__, "ultralytics": ultralytics.__version__},
        }


def load_torch_detector(config: ModelConfig) -> TorchDetector:
    """Verify and unpickle the checkpoint, then move it to its device once."""
    model = open_model(config)
    device = resolve_device(config.device)
    if config.threads:
        import torch

        torch.set_num_threads(config.threads)  # process-wide: torch has no per-model setting
    model.to(device)  # once, here: moving weights per request would cost more than inference
    return TorchDetector(model, config, device)


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
