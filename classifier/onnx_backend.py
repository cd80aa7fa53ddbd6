"""The serving backend: an exported YOLO-World on ONNX Runtime, without torch.

Pre-processing (letterbox.py) and post-processing (postprocess.py) copy what
ultralytics does around its own predict, so both backends report the same
boxes; the tests check that they do.
"""

import logging
import time
from typing import TYPE_CHECKING, Any

from .config import ModelConfig
from .detection import Box, Detection, DetectionRun
from .detector import Detector
from .errors import ModelError
from .letterbox import Fit, to_original, to_tensor
from .manifest import Manifest, read_manifest, require_onnx, verify_onnx
from .onnx_session import device_name, open_session
from .postprocess import select

if TYPE_CHECKING:
    import numpy as np
    import onnxruntime

log = logging.getLogger(__name__)


class OnnxDetector(Detector):
    """Runs whole batches in one ONNX Runtime call; safe to share between threads."""

    def __init__(
        self, session: "onnxruntime.InferenceSession", manifest: Manifest, config: ModelConfig
    ) -> None:
        super().__init__(config, device_name(session, config), manifest.classes)
        self.session = session
        self.manifest = manifest
        self._input = session.get_inputs()[0].name

    def _detect_pixels(self, pixels: list["np.ndarray"]) -> list[DetectionRun]:
        start = time.perf_counter()
        tensor, fits = to_tensor(pixels, self.manifest.imgsz)
        [output] = self.session.run(None, {self._input: tensor})
        found = [self._detections(scores, fit) for scores, fit in zip(output, fits, strict=True)]
        elapsed_ms = (time.perf_counter() - start) * 1000
        return self._runs(found, elapsed_ms)

    def describe(self) -> dict[str, Any]:
        import onnxruntime

        return {
            "backend": "onnx",
            "model": self.config.weights.stem,
            "weights": str(self.config.weights),
            "sha256": self.manifest.onnx_sha256,
            "built_from_sha256": self.manifest.weights_sha256,
            "untrained": self.manifest.untrained,
            "device": self.device,
            "providers": self.session.get_providers(),
            "threads": self.config.threads,  # 0: one per physical core
            "classes": list(self.classes),
            "imgsz": self.manifest.imgsz,
            "versions": {"onnxruntime": onnxruntime.__version__},
            "built_with": self.manifest.versions,
        }

    def _detections(self, output: "np.ndarray", fit: Fit) -> list[Detection]:
        boxes, scores, classes = select(output, self.config.confidence)
        boxes = to_original(boxes, fit)
        return [
            Detection(label=self.classes[int(c)], confidence=float(s), box=Box(*map(float, b)))
            for b, s, c in zip(boxes, scores, classes, strict=True)
        ]


def load_onnx_detector(config: ModelConfig) -> OnnxDetector:
    """Check the .onnx file against its manifest and the config, then open it."""
    require_onnx(config.weights)
    manifest = read_manifest(config.weights)
    verify_onnx(config.weights, manifest, config.sha256)
    _check_agrees(config, manifest)
    if manifest.untrained:
        log.warning("%s has untrained weights: its detections mean nothing", config.weights)
    return OnnxDetector(open_session(config.weights, config), manifest, config)


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
