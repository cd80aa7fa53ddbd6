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

from .build_measure import onnx_detections
from .errors import ModelError
from .fidelity import Fidelity, fidelity
from .manifest import Manifest, Variant, read_manifest, write_manifest
from .photos import split_photos
from .quantize import quantize_calibrated
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


def int8_path(onnx: Path) -> Path:
    """`models/m.onnx` -> `models/m-int8.onnx`."""
    return onnx.with_name(f"{onnx.stem}-int8.onnx")


def measure(onnx: Path, quantised: Path, manifest: Manifest, photos: list[Path]) -> Fidelity:
    """`quantised`'s fidelity to the fp32 model at `onnx`, on `photos`, at serving settings."""
    reference = onnx_detections(onnx, onnx, manifest, "fp32", photos)
    return fidelity(reference, onnx_detections(onnx, quantised, manifest, "int8", photos))
