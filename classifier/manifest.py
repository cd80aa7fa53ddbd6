"""The small JSON file written beside an exported .onnx model.

The ONNX graph has the class text features baked in, so the class names, the
input size and the checksums must travel with it: `model.onnx` comes with
`model.json`. The serving backend reads everything it needs from here.

`variants` lists the lower-precision copies built beside it (int8, bf16), each
with its own file, checksum, the backends that serve it and its fidelity to
fp32, so a worker can choose one (classifier.precision). A manifest written
before there were variants has none, and means fp32 only.
"""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .config import BACKENDS, valid_classes, valid_imgsz, valid_sha256
from .errors import ModelError
from .fidelity import Fidelity
from .weights import sha256_of

FORMAT = 1  # bump when the fields change meaning (new optional fields do not)
VARIANT_PRECISIONS = ("fp32", "bf16", "int8")


@dataclass(frozen=True)
class Variant:
    """One precision of the model, as built beside the manifest."""

    file: str  # its file name, in the manifest's folder ("model-int8.onnx")
    sha256: str  # of that file
    backends: tuple[str, ...]  # the backends that can serve it ("onnx", "openvino")
    # Measured against fp32 on held-out photos when it was built; None for fp32 itself.
    fidelity: Fidelity | None = None


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
    variants: dict[str, Variant] = field(default_factory=dict)  # by precision; {}: fp32 only


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
        if not isinstance(raw, dict):
            raise ValueError(f"expected a JSON object, got {type(raw).__name__}")
        variants = _variants(raw.get("variants", {}))
        manifest = Manifest(**{**raw, "classes": tuple(raw["classes"]), "variants": variants})
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


def _variants(raw: Any) -> dict[str, Variant]:
    """The "variants" object as Variants; ValueError (or TypeError) for anything odd."""
    if not isinstance(raw, dict):
        raise ValueError(f"variants must be an object, got {raw!r}")
    return {precision: _variant(precision, fields) for precision, fields in raw.items()}


def _variant(precision: str, raw: Any) -> Variant:
    if precision not in VARIANT_PRECISIONS:
        raise ValueError(f"variant {precision!r} is none of {', '.join(VARIANT_PRECISIONS)}")
    if not isinstance(raw, dict):
        raise ValueError(f"variant {precision} must be an object, got {raw!r}")
    fidelity = raw.get("fidelity")
    variant = Variant(
        **{
            **raw,
            "backends": tuple(raw["backends"]),
            "fidelity": None if fidelity is None else Fidelity(**fidelity),
        }
    )
    # A bare name: a manifest must not point the worker at files elsewhere.
    if variant.file in ("", "..") or Path(variant.file).name != variant.file:
        raise ValueError(
            f"variant {precision}'s file must be a bare file name, got {variant.file!r}"
        )
    valid_sha256(variant.sha256)
    if not variant.backends or not set(variant.backends) <= set(BACKENDS) - {"torch"}:
        raise ValueError(
            f"variant {precision}'s backends must be onnx or openvino: {variant.backends}"
        )
    if variant.fidelity is not None:
        _valid_fidelity(precision, variant.fidelity)
    return variant


def _valid_fidelity(precision: str, fidelity: Fidelity) -> None:
    f1, diff, photos = fidelity.f1, fidelity.mean_abs_score_diff, fidelity.photos
    counts = isinstance(photos, int) and photos > 0 and isinstance(fidelity.boxes, int)
    if not (0.0 <= f1 <= 1.0 and 0.0 <= diff <= 1.0 and counts and fidelity.boxes >= 0):
        raise ValueError(f"variant {precision}'s fidelity is out of range: {fidelity}")


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
