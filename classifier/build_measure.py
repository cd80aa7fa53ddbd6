"""How the build measures a variant against fp32: the same photos through each detector.

Shared by the int8 and bf16 variants (build_int8.py, build_bf16.py), so both are
judged at serving settings, on the same held-out photos, by the same arithmetic.
"""

from pathlib import Path

from .config import ModelConfig
from .detection import Detection
from .detector import Detector
from .fidelity import Fidelity
from .manifest import Manifest
from .onnx_backend import OnnxDetector
from .onnx_session import open_session
from .served import Served
from .weights import sha256_of

REASON = "measured by the build"


def build_config(onnx: Path, manifest: Manifest) -> ModelConfig:
    """The worker's settings for the model at `onnx`, on the CPU, at the default threshold."""
    return ModelConfig(
        weights=onnx, classes=manifest.classes, sha256=None, device="cpu", imgsz=manifest.imgsz
    )


def onnx_detections(
    onnx: Path, path: Path, manifest: Manifest, precision: str, photos: list[Path]
) -> list[list[Detection]]:
    """What ONNX Runtime finds with the file at `path` (fp32, or a variant) in each photo."""
    config = build_config(onnx, manifest)
    served = Served(manifest, path, sha256_of(path), precision, REASON)
    return detect_all(OnnxDetector(open_session(path, config), served, config), photos)


def detect_all(detector: Detector, photos: list[Path]) -> list[list[Detection]]:
    from PIL import Image

    found = []
    for photo in photos:
        with Image.open(photo) as image:
            found.append(detector.detect(image).detections)
    return found


def variant_summary(onnx: Path, manifest: Manifest, precision: str) -> str:
    """What the build says about a variant it listed in `manifest`."""
    variant = manifest.variants[precision]
    measured = variant.fidelity or Fidelity(0.0, 0.0, 0)  # the build always records one
    return (
        f"{precision} ({onnx.with_name(variant.file)} on {', '.join(variant.backends)}): against "
        f"fp32, box F1 {measured.f1:.3f} and mean score difference "
        f"{measured.mean_abs_score_diff:.4f} on {measured.photos} held-out photos, "
        f"{measured.boxes} boxes of fp32's"
        f"{'' if measured.conclusive else ' (too few to pass the gate)'}\nsha256 {variant.sha256}"
    )
