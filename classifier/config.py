"""Model settings, and how to read them from environment variables."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from envreader import EnvError, env_parsed, env_raw

from .errors import ModelError
from .weights import YOLOV8L_WORLDV2_SHA256

DEFAULT_WEIGHTS = Path("models/yolov8l-worldv2.pt")  # the official checkpoint (fetch-weights)
DEFAULT_ONNX = Path("models/yolov8l-worldv2.onnx")  # what `python -m classifier build` writes
BACKENDS = ("torch", "onnx", "openvino")
PRECISIONS = ("fp32", "int8", "bf16", "auto")
FIDELITY_MIN = 0.98  # the F1 to fp32 a variant needs to be served without being forced
DEFAULT_CLASSES = ("squirrel", "bird", "person", "dog", "cat")


@dataclass(frozen=True)
class ModelConfig:
    """Which weights to load and how to run them.

    Frozen, so it is hashable and `load_detector` can cache one model per config.
    """

    weights: Path = DEFAULT_ONNX
    classes: tuple[str, ...] = DEFAULT_CLASSES
    sha256: str | None = YOLOV8L_WORLDV2_SHA256  # None: do not verify the file
    device: str = "auto"  # "auto" picks "cuda" when a GPU is there, else "cpu"
    confidence: float = 0.25  # detections scoring below this are dropped
    imgsz: int = 640  # the long side the image is resized to before inference
    # "onnx": ONNX Runtime, no torch (serving); "openvino": the same .onnx file on Intel's
    # OpenVINO (CPU only); "torch": ultralytics on PyTorch (can change classes at run
    # time, with CLIP); "auto": "onnx" for an .onnx file, else "torch".
    backend: str = "auto"
    threads: int = 0  # CPU threads for inference; 0 lets the library choose (one per core)
    # "auto": the fastest precision this CPU runs well among the variants the build made
    # whose fidelity to fp32 passes `fidelity_min` (classifier.precision). "fp32", "int8"
    # or "bf16" forces one: fp32 is the reference numbers; the others are several times
    # faster, but their scores move (docs/benchmarks.md).
    precision: str = "auto"
    fidelity_min: float = FIDELITY_MIN  # the gate "auto" applies: F1 against fp32

    def __post_init__(self) -> None:
        # Accept a str path or a list of classes too, but store the exact types, so
        # that two equal configs hash alike and share one cached model.
        object.__setattr__(self, "weights", Path(self.weights))
        object.__setattr__(self, "classes", tuple(self.classes))
        if self.backend == "auto":
            object.__setattr__(self, "backend", backend_for(self.weights))
        try:
            valid_classes(self.classes)
            valid_sha256(self.sha256)
            valid_device(self.device)
            valid_confidence(self.confidence)
            valid_imgsz(self.imgsz)
            valid_backend(self.backend)
            valid_threads(self.threads)
            valid_precision(self.precision)
            valid_fidelity_min(self.fidelity_min)
            _device_fits_backend(self.device, self.backend)
            _precision_fits_backend(self.precision, self.backend)
        except ValueError as exc:
            raise ModelError(f"Invalid model setting: {exc}") from None

    @classmethod
    def from_env(cls) -> "ModelConfig":
        """Read the BIRDAI_MODEL_* environment variables (see docs/classifier.md)."""
        backend = _read("BIRDAI_MODEL_BACKEND", "auto", lambda s: valid_backend(s.lower()))
        weights = _read("BIRDAI_MODEL_WEIGHTS", None, Path)
        if backend == "auto":
            backend = backend_for(weights or DEFAULT_ONNX)
        onnx = backend != "torch"  # onnx and openvino both serve an exported .onnx
        return cls(
            weights=weights or (DEFAULT_ONNX if onnx else DEFAULT_WEIGHTS),
            classes=_read("BIRDAI_MODEL_CLASSES", DEFAULT_CLASSES, _parse_classes),
            # An .onnx file is checked against its manifest; the official checksum is the .pt's.
            sha256=_read_sha256("BIRDAI_MODEL_SHA256", None if onnx else YOLOV8L_WORLDV2_SHA256),
            device=_read("BIRDAI_MODEL_DEVICE", "auto", lambda s: valid_device(s.lower())),
            confidence=_read("BIRDAI_MODEL_CONFIDENCE", 0.25, lambda s: valid_confidence(float(s))),
            imgsz=_read("BIRDAI_MODEL_IMGSZ", 640, lambda s: valid_imgsz(int(s))),
            backend=backend,
            threads=_read("BIRDAI_MODEL_THREADS", 0, lambda s: valid_threads(int(s))),
            precision=_read("BIRDAI_MODEL_PRECISION", "auto", lambda s: valid_precision(s.lower())),
            fidelity_min=_read(
                "BIRDAI_MODEL_FIDELITY_MIN", FIDELITY_MIN, lambda s: valid_fidelity_min(float(s))
            ),
        )


def _read[T](name: str, default: T, parse: Callable[[str], T]) -> T:
    """Parse one variable (envreader: NAME_FILE too, blank means the default)."""
    try:
        return env_parsed(name, default, parse)
    except EnvError as error:
        raise ModelError(str(error)) from None


def _read_sha256(name: str, default: str | None) -> str | None:
    """Unset means `default`; "skip" turns the check off."""
    if (env_raw(name) or "").lower() == "skip":
        return None
    return _read(name, default, lambda s: valid_sha256(s.lower()))


def _parse_classes(raw: str) -> tuple[str, ...]:
    """Turn "squirrel, bird" into ("squirrel", "bird")."""
    return valid_classes(tuple(name.strip() for name in raw.split(",") if name.strip()))


# Each check returns its value unchanged or raises ValueError saying what is wrong.


def valid_classes(classes: tuple[str, ...]) -> tuple[str, ...]:
    if not classes or not all(isinstance(name, str) and name.strip() for name in classes):
        raise ValueError("classes must name at least one class, e.g. 'squirrel,bird'")
    if len(set(classes)) != len(classes):
        raise ValueError(f"classes must not repeat, got {list(classes)}")
    return classes


def valid_sha256(sha256: str | None) -> str | None:
    if sha256 is not None and not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("sha256 must be 64 hex digits (or 'skip' to turn the check off)")
    return sha256


def valid_device(device: str) -> str:
    if not re.fullmatch(r"auto|cpu|(cuda|tensorrt)(:\d+)?", device):
        raise ValueError(
            f"device must be 'auto', 'cpu', 'cuda', 'cuda:N' or (ONNX only) 'tensorrt[:N]', "
            f"got {device!r}"
        )
    return device


def valid_confidence(confidence: float) -> float:
    if not 0.0 <= confidence <= 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    return confidence


def valid_imgsz(imgsz: int) -> int:
    # The network downsamples by 32; other sizes would be rounded up silently.
    if imgsz < 32 or imgsz % 32:
        raise ValueError(f"imgsz must be a positive multiple of 32, got {imgsz}")
    return imgsz


def valid_backend(backend: str) -> str:
    if backend not in ("auto", *BACKENDS):
        raise ValueError(f"backend must be one of auto, {', '.join(BACKENDS)}; got {backend!r}")
    return backend


def valid_precision(precision: str) -> str:
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}; got {precision!r}")
    return precision


def valid_fidelity_min(minimum: float) -> float:
    if not 0.0 <= minimum <= 1.0:  # also refuses nan
        raise ValueError(f"fidelity_min (an F1) must be between 0 and 1, got {minimum}")
    return minimum


def backend_for(weights: Path) -> str:
    """The backend that can read this file: ONNX Runtime for .onnx, ultralytics otherwise."""
    return "onnx" if weights.suffix.lower() == ".onnx" else "torch"


def valid_threads(threads: int) -> int:
    if threads < 0:
        raise ValueError(f"threads must be 0 (one per core) or more, got {threads}")
    return threads


def _device_fits_backend(device: str, backend: str) -> None:
    # TensorRT is an ONNX Runtime execution provider; PyTorch cannot use it.
    if device.startswith("tensorrt") and backend != "onnx":
        raise ValueError(
            f"device {device!r} (BIRDAI_MODEL_DEVICE) needs backend 'onnx' (BIRDAI_MODEL_BACKEND)"
        )
    # Our OpenVINO backend serves Intel CPUs; NVIDIA GPUs go through ONNX Runtime.
    if backend == "openvino" and device not in ("auto", "cpu"):
        raise ValueError(
            f"backend 'openvino' runs on the CPU only; for device {device!r} "
            "(BIRDAI_MODEL_DEVICE) use backend 'onnx' (BIRDAI_MODEL_BACKEND)"
        )


def _precision_fits_backend(precision: str, backend: str) -> None:
    # Variants are exported .onnx files; ultralytics runs the checkpoint in float32.
    if backend == "torch" and precision not in ("fp32", "auto"):
        raise ValueError(
            f"precision {precision!r} (BIRDAI_MODEL_PRECISION) needs an exported model: "
            "backend 'onnx' or 'openvino' (BIRDAI_MODEL_BACKEND)"
        )
