"""python -m classifier build: a .pt checkpoint in, an ONNX model and its manifest out.

The export bakes the class text features into the graph, so the server needs
neither CLIP nor torch. Setting other classes than the checkpoint's needs CLIP
and, the first time, the internet: build on such a machine, then copy the
.onnx and .json files to the servers.
"""

import importlib
import importlib.util
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import ModelConfig
from .errors import ModelError
from .loading import open_model
from .manifest import Manifest, write_manifest
from .untrained import build_untrained
from .weights import sha256_of

if TYPE_CHECKING:
    from ultralytics import YOLOWorld

EXPORT_PACKAGES = ("onnx", "onnxslim", "onnxruntime")  # ultralytics imports these to export
VERSIONED = ("ultralytics", "torch", *EXPORT_PACKAGES)


def build_onnx(
    weights: Path | None,
    classes: tuple[str, ...],
    out: Path,
    imgsz: int = 640,
    sha256: str | None = None,
    untrained_arch: str | None = None,
    *,
    lively: bool = False,
) -> Manifest:
    """Export `weights` (or, with `untrained_arch`, a random-weight model) to `out`.

    `lively`: an untrained model whose scores vary with the image (classifier.untrained).

    Writes `out` and the manifest beside it only once the export succeeded; a
    failure leaves nothing behind.
    """
    _require_packages()
    out.parent.mkdir(parents=True, exist_ok=True)
    # Work in a temporary folder beside `out`, so the final move is a rename.
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.stem}.") as work:
        checkpoint = Path(work) / f"{out.stem}.pt"
        if untrained_arch is not None:
            weights = build_untrained(untrained_arch, classes, checkpoint, lively=lively)
            sha256 = sha256_of(weights)
        if weights is None:
            raise ModelError("Name the weights to build from, or ask for --untrained")
        model = open_model(ModelConfig(weights, classes, sha256, device="cpu", imgsz=imgsz))
        exported = _export(model, checkpoint, imgsz)
        manifest = Manifest(
            classes=classes,
            imgsz=imgsz,
            onnx_sha256=sha256_of(exported),
            weights_sha256=sha256_of(weights),
            weights_name=untrained_arch or weights.name,
            untrained=untrained_arch is not None,
            versions=_versions(),
        )
        exported.chmod(0o644)  # temporary files are private; the worker's user must read it
        exported.replace(out)
    write_manifest(out, manifest)
    return manifest


def _export(model: "YOLOWorld", checkpoint: Path, imgsz: int) -> Path:
    """Export to ONNX beside `checkpoint`, with batch, height and width left open.

    Open (dynamic) sides let one file take a batch of any size and rectangular
    inputs such as 640x480, which cost less than a 640x640 square.
    """
    # ultralytics names its output after the checkpoint it believes it loaded.
    network: Any = model.model  # its attributes are too dynamic to type
    network.pt_path = str(checkpoint)
    try:
        with warnings.catch_warnings():
            # torch deprecates the exporter ultralytics calls, and its tracer notes a
            # shape check that export mode makes always true: nothing we can act on.
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.filterwarnings("ignore", "Converting a tensor to a Python boolean")
            exported = model.export(
                format="onnx", imgsz=imgsz, dynamic=True, simplify=True, device="cpu", verbose=False
            )
    except Exception as exc:  # ultralytics wraps every export problem differently
        raise ModelError(f"ONNX export failed: {type(exc).__name__}: {exc}") from exc
    return Path(exported)


def _require_packages() -> None:
    missing = [name for name in EXPORT_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        raise ModelError(
            f"Building an ONNX model needs the packages {', '.join(missing)}, which are not "
            "installed (ultralytics may not install them itself: YOLO_AUTOINSTALL is off)"
        )


def _versions() -> dict[str, str]:
    """The versions of the libraries that built the model, for the manifest."""
    return {name: str(importlib.import_module(name).__version__) for name in VERSIONED}
