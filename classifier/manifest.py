"""The small JSON file written beside an exported .onnx model.

The ONNX graph has the class text features baked in, so the class names, the
input size and the checksums must travel with it: `model.onnx` comes with
`model.json`. The serving backend reads everything it needs from here.
"""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .config import valid_classes, valid_imgsz, valid_sha256
from .errors import ModelError
from .weights import sha256_of

FORMAT = 1  # bump when the fields change meaning


@dataclass(frozen=True)
class Manifest:
    classes: tuple[str, ...]  # in the order of the model's class scores
    imgsz: int  # the long side images are scaled to
    onnx_sha256: str  # of the .onnx file beside this manifest
    weights_sha256: str  # of the .pt checkpoint it was exported from
    weights_name: str  # that checkpoint's file name
    untrained: bool  # random weights (tests, benchmarks): never use for real photos
    versions: dict[str, str] = field(default_factory=dict)  # libraries that built it
    format: int = FORMAT


def manifest_path(onnx_path: Path) -> Path:
    """`models/yolov8l-worldv2.onnx` -> `models/yolov8l-worldv2.json`."""
    return onnx_path.with_suffix(".json")


def write_manifest(onnx_path: Path, manifest: Manifest) -> Path:
    path = manifest_path(onnx_path)
    path.write_text(json.dumps(asdict(manifest), indent=2) + "\n")
    return path


def read_manifest(onnx_path: Path) -> Manifest:
    """The manifest beside `onnx_path`; ModelError if it is missing or malformed."""
    path = manifest_path(onnx_path)
    try:
        raw = json.loads(path.read_text())
        manifest = Manifest(**{**raw, "classes": tuple(raw["classes"])})
        valid_classes(manifest.classes)
        valid_imgsz(manifest.imgsz)
        valid_sha256(manifest.onnx_sha256)
    except FileNotFoundError:
        raise ModelError(
            f"No manifest {path} beside {onnx_path}. Build the model with "
            f"python -m classifier build --out {onnx_path}, which writes both."
        ) from None
    except (OSError, ValueError, TypeError, KeyError) as exc:  # bad JSON, fields or values
        raise ModelError(f"Model manifest {path} is unreadable or malformed: {exc}") from None
    if manifest.format != FORMAT:
        raise ModelError(f"{path} has format {manifest.format}; this code reads {FORMAT}")
    return manifest


def require_onnx(onnx_path: Path) -> None:
    """ModelError, saying how to build one, unless `onnx_path` is an existing .onnx file."""
    if onnx_path.suffix != ".onnx":
        raise ModelError(
            f"The onnx backend needs an .onnx model (built by python -m classifier build), "
            f"got {onnx_path}; set BIRDAI_MODEL_WEIGHTS to it, or BIRDAI_MODEL_BACKEND=torch"
        )
    if not onnx_path.is_file():
        raise ModelError(
            f"ONNX model not found at {onnx_path}. Build it with: "
            f"python -m classifier build --out {onnx_path}"
        )


def verify_onnx(onnx_path: Path, manifest: Manifest, expected: str | None) -> None:
    """Check the .onnx file against its manifest and, if given, an expected SHA-256.

    The manifest's checksum catches a truncated or damaged file. `expected` (from
    BIRDAI_MODEL_SHA256) pins the model itself: it may name the .onnx file or the
    .pt checkpoint it was built from, as the manifest records.
    """
    actual = sha256_of(onnx_path)
    if actual != manifest.onnx_sha256:
        raise ModelError(
            f"Checksum mismatch for {onnx_path}: its manifest says SHA-256 "
            f"{manifest.onnx_sha256}, the file has {actual}. The file is damaged or "
            "truncated, or belongs to another manifest; build it again."
        )
    if expected is not None and expected.lower() not in (actual, manifest.weights_sha256):
        raise ModelError(
            f"{onnx_path} is not the expected model: BIRDAI_MODEL_SHA256 is {expected}, "
            f"but the file has {actual} and was built from weights with "
            f"{manifest.weights_sha256}."
        )
