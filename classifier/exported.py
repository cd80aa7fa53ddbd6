"""What the ONNX Runtime and OpenVINO backends share: an exported model and its manifest.

Both run the same .onnx file built by `python -m classifier build`. Pre-processing
(letterbox.py) and post-processing (postprocess.py) copy what ultralytics does
around its own predict, so every backend reports the same boxes; the tests check
that they do. A runtime only has to turn a tensor into the network's output.
"""

import logging
import time
from abc import abstractmethod
from typing import TYPE_CHECKING, Any

from .config import ModelConfig
from .detection import Box, Detection, DetectionRun
from .detector import Detector
from .errors import ModelError
from .letterbox import Fit, to_original, to_tensor
from .manifest import Manifest, read_manifest, require_onnx, verify_onnx
from .postprocess import select
from .served import Served, served_file

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)


class ExportedDetector(Detector):
    """An exported YOLO-World on some runtime; subclasses say how to run the network."""

    def __init__(self, served: Served, config: ModelConfig, device: str) -> None:
        super().__init__(config, device, served.manifest.classes)
        self.served = served
        self.manifest = served.manifest

    @property
    def precision(self) -> str:
        return self.served.precision

    @abstractmethod
    def _infer(self, tensor: "np.ndarray") -> "np.ndarray":
        """(B, 3, H, W) float32 in, the network's (B, 4 + classes, anchors) out."""

    def _detect_pixels(self, pixels: list["np.ndarray"]) -> list[DetectionRun]:
        start = time.perf_counter()
        tensor, fits = to_tensor(pixels, self.manifest.imgsz)
        output = self._infer(tensor)
        found = [self._detections(scores, fit) for scores, fit in zip(output, fits, strict=True)]
        elapsed_ms = (time.perf_counter() - start) * 1000
        return self._runs(found, elapsed_ms)

    def _describe_model(self) -> dict[str, Any]:
        """The part of describe() every runtime shares: which file, precision, classes, size."""
        return {
            "model": self.config.weights.stem,
            "weights": str(self.config.weights),
            "file": self.served.path.name,  # the weights' own file, or a variant beside it
            "sha256": self.served.sha256,  # of that file
            "precision": self.served.precision,
            "precision_reason": self.served.reason,
            "built_from_sha256": self.manifest.weights_sha256,
            "untrained": self.manifest.untrained,
            "device": self.device,
            "classes": list(self.classes),
            "imgsz": self.manifest.imgsz,
            "built_with": self.manifest.versions,
        }

    def _detections(self, output: "np.ndarray", fit: Fit) -> list[Detection]:
        boxes, scores, classes = select(output, self.config.confidence)
        boxes = to_original(boxes, fit)
        return [
            Detection(label=self.classes[int(c)], confidence=float(s), box=Box(*map(float, b)))
            for b, s, c in zip(boxes, scores, classes, strict=True)
        ]


def load_export(config: ModelConfig) -> Served:
    """Check the .onnx file against its manifest and the config, then choose what to serve."""
    require_onnx(config.weights)
    manifest = read_manifest(config.weights)
    verify_onnx(config.weights, manifest, config.sha256)
    _check_agrees(config, manifest)
    if manifest.untrained:
        log.warning("%s has untrained weights: its detections mean nothing", config.weights)
    return served_file(config, manifest)


def _check_agrees(config: ModelConfig, manifest: Manifest) -> None:
    """The class names and input size are baked into the export; settings must match."""
    if config.classes != manifest.classes:
        raise ModelError(
            f"{config.weights} was built for the classes {list(manifest.classes)}, but "
            f"{list(config.classes)} are configured. Set BIRDAI_MODEL_CLASSES to match, or "
            "build the model again with python -m classifier build --classes ..."
        )
    if config.imgsz != manifest.imgsz:
        raise ModelError(
            f"{config.weights} was built for imgsz {manifest.imgsz}, but {config.imgsz} is "
            "configured. Set BIRDAI_MODEL_IMGSZ to match, or build the model again."
        )
