"""Find squirrels, birds and friends in photos with YOLO-World.

Importing this package is cheap: torch, ultralytics and onnxruntime load only
when a model does (in `load_detector`), so the web tier can use the result
types freely.

    from classifier import ModelConfig, load_detector
    run = load_detector(ModelConfig.from_env()).detect(pil_image)
"""

from .config import ModelConfig
from .detection import Box, Detection, DetectionRun
from .detector import Detector, detect, load_detector, load_detector_from_env
from .errors import ImageError, InferenceUnavailable, ModelError

__all__ = [
    "Box",
    "Detection",
    "DetectionRun",
    "Detector",
    "ImageError",
    "InferenceUnavailable",
    "ModelConfig",
    "ModelError",
    "detect",
    "load_detector",
    "load_detector_from_env",
]
