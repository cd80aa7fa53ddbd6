"""The build's int8 variant: quantised on some photos, measured against fp32 on others.

`python -m classifier build` calls this after the fp32 export. The int8 file
goes beside the model as `NAME-int8.onnx`; the manifest, written last, lists it
with its checksum and its fidelity to fp32 (classifier.fidelity), so a worker
serves it only where that passes its gate. With untrained weights the fidelity
says "as wrong as fp32, in the same way", never that the model is any good.
"""

import dataclasses
import logging
import tempfile
from pathlib import Path

from .config import ModelConfig
from .detection import Detection
from .errors import ModelError
from .fidelity import Fidelity, fidelity
from .manifest import Manifest, Variant, read_manifest, write_manifest
from .onnx_backend import OnnxDetector
from .onnx_session import open_session
from .photos import split_photos
from .quantize import quantize_calibrated
from .served import Served
from .weights import sha256_of

log = logging.getLogger(__name__)
BACKENDS = ("onnx",)  # where its fidelity was measured; OpenVINO runs QDQ int8 its own way


def add_int8_variant(onnx: Path, calibration: Path | None = None, made: int = 8) -> Manifest:
    """Quantise the model at `onnx`, measure it, and list it in the manifest; return that.

    `calibration`: a folder of real photos, half to calibrate on, half held out
    (with `made` photos made in code on each side). A failure leaves the fp32
    model and its manifest as they were.
    """
    manifest = read_manifest(onnx)
    out = int8_path(onnx)
    with tempfile.TemporaryDirectory(dir=onnx.parent, prefix=f".{onnx.stem}-int8.") as work:
        try:
            calibrate_on, held_out = split_photos(calibration, Path(work), made)
            quantised = quantize_calibrated(onnx, Path(work) / out.name, calibrate_on)
            measured = measure(onnx, quantised, manifest, held_out)
        except (OSError, ValueError) as exc:  # no such folder, a photo that will not decode
            raise ModelError(f"Building the int8 variant failed: {exc}") from exc
        variant = Variant(out.name, sha256_of(quantised), BACKENDS, measured)
        quantised.chmod(0o644)  # temporary files are private; the worker's user must read it
        quantised.replace(out)
    log.info("int8: %d calibration photos; against fp32 %s", len(calibrate_on), measured)
    manifest = dataclasses.replace(manifest, variants={**manifest.variants, "int8": variant})
    write_manifest(onnx, manifest)  # last: it lists only files already in place
    return manifest


def int8_summary(onnx: Path, manifest: Manifest) -> str:
    """What the build says about the int8 variant it listed in `manifest`."""
    int8 = manifest.variants["int8"]
    measured = int8.fidelity or Fidelity(0.0, 0.0, 0)  # the build always records one
    return (
        f"Saved {onnx.with_name(int8.file)}: against fp32, box F1 {measured.f1:.3f} and mean "
        f"score difference {measured.mean_abs_score_diff:.4f} on {measured.photos} held-out "
        f"photos, {measured.boxes} boxes of fp32's"
        f"{'' if measured.conclusive else ' (too few to pass the gate)'}\nsha256 {int8.sha256}"
    )


def int8_path(onnx: Path) -> Path:
    """`models/m.onnx` -> `models/m-int8.onnx`."""
    return onnx.with_name(f"{onnx.stem}-int8.onnx")


def measure(onnx: Path, quantised: Path, manifest: Manifest, photos: list[Path]) -> Fidelity:
    """`quantised`'s fidelity to the fp32 model at `onnx`, on `photos`, at serving settings."""
    reference = _detections(onnx, onnx, manifest, "fp32", photos)
    return fidelity(reference, _detections(onnx, quantised, manifest, "int8", photos))


def _detections(
    onnx: Path, path: Path, manifest: Manifest, precision: str, photos: list[Path]
) -> list[list[Detection]]:
    """What the file at `path` finds in each photo, on the CPU, at the default threshold."""
    from PIL import Image

    config = ModelConfig(
        weights=onnx, classes=manifest.classes, sha256=None, device="cpu", imgsz=manifest.imgsz
    )
    served = Served(manifest, path, sha256_of(path), precision, "measured by the build")
    detector = OnnxDetector(open_session(path, config), served, config)
    found = []
    for photo in photos:
        with Image.open(photo) as image:
            found.append(detector.detect(image).detections)
    return found
