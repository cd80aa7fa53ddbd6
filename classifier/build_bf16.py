"""The build's bf16 variant: the fp32 file, computed in bfloat16 by OpenVINO.

No new file: on a CPU with AVX-512 BF16 or AMX, OpenVINO runs the fp32 graph in
bf16 when asked (its INFERENCE_PRECISION_HINT). The build measures that against
ONNX Runtime's fp32 on held-out photos and lists it, so a worker on the openvino
backend serves it only where the fidelity passes its gate. A CPU without bf16
would quietly compute in f32 and measure a perfect fidelity of something never
served, so there the build lists no bf16 and says why.
"""

import dataclasses
import logging
import tempfile
from pathlib import Path

from .build_measure import REASON, build_config, detect_all, onnx_detections
from .errors import ModelError
from .fidelity import fidelity
from .manifest import Manifest, Variant, read_manifest, write_manifest
from .openvino_backend import OpenVinoDetector, compile_for
from .photos import split_photos
from .served import Served

log = logging.getLogger(__name__)
BACKENDS = ("openvino",)


def add_bf16_variant(onnx: Path, photos: Path | None = None, made: int = 8) -> Manifest:
    """Measure bf16 on the model at `onnx` and list it in the manifest; return that.

    `photos`: a folder of real photos, of which the held-out half is used (as for
    int8, plus `made` photos made in code). ModelError if this CPU has no bf16;
    the manifest is then left as it was.
    """
    manifest = read_manifest(onnx)
    config = build_config(onnx, manifest)
    served = Served(manifest, onnx, manifest.onnx_sha256, "bf16", REASON)
    detector = OpenVinoDetector(compile_for(served, config), served, config)
    with tempfile.TemporaryDirectory(dir=onnx.parent, prefix=f".{onnx.stem}-bf16.") as work:
        try:
            _, held_out = split_photos(photos, Path(work), made)
            reference = onnx_detections(onnx, onnx, manifest, "fp32", held_out)
            measured = fidelity(reference, detect_all(detector, held_out))
        except (OSError, ValueError) as exc:  # no such folder, a photo that will not decode
            raise ModelError(f"Measuring the bf16 variant failed: {exc}") from exc
    log.info("bf16: against fp32 %s", measured)
    variant = Variant(onnx.name, manifest.onnx_sha256, BACKENDS, measured)
    manifest = dataclasses.replace(manifest, variants={**manifest.variants, "bf16": variant})
    write_manifest(onnx, manifest)
    return manifest
