"""Eight-bit integer copies of an ONNX model, for the benchmark.

Both shrink the file and memory about fourfold. Whether they still find the
same animals can only be checked with the real weights and real photos, so
neither is used for serving until that has been done.

- dynamic: weights stored as int8, activations quantised on the fly per call.
  No calibration needed; on an AVX2 CPU its integer convolutions are no faster.
- static (QDQ): activations too, with ranges measured on calibration images
  beforehand. Much faster, and the one that depends most on those images.
"""

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from classifier.letterbox import to_tensor
from classifier.manifest import read_manifest, write_manifest
from classifier.pixels import rgb_pixels
from classifier.weights import sha256_of

if TYPE_CHECKING:
    import numpy as np


def quantize_dynamic_int8(onnx: Path, out: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(onnx, out, weight_type=QuantType.QUInt8)
    return _with_manifest(onnx, out)


def quantize_static_int8(onnx: Path, out: Path, calibration: list[Path]) -> Path:
    """Per-channel int8 weights, uint8 activations, ranges from `calibration` images."""
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    prepared = out.with_name(f"{out.stem}-prepared.onnx")
    quant_pre_process(onnx, prepared, skip_symbolic_shape=True)  # folds shapes, as advised
    try:
        quantize_static(
            prepared,
            out,
            _Calibration(calibration, read_manifest(onnx).imgsz),
            quant_format=QuantFormat.QDQ,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            per_channel=True,
        )
    finally:
        prepared.unlink(missing_ok=True)
    return _with_manifest(onnx, out)


class _Calibration:
    """Feeds calibration images to the quantiser, letterboxed as in serving."""

    def __init__(self, paths: list[Path], imgsz: int) -> None:
        self._paths = iter(paths)
        self._imgsz = imgsz

    def get_next(self) -> dict[str, "np.ndarray"] | None:
        from PIL import Image

        path = next(self._paths, None)
        if path is None:
            return None
        with Image.open(path) as image:
            tensor, _ = to_tensor([rgb_pixels(image)], self._imgsz)
        return {"images": tensor}


def _with_manifest(source: Path, out: Path) -> Path:
    """The source's manifest, with the new file's checksum."""
    write_manifest(out, replace(read_manifest(source), onnx_sha256=sha256_of(out)))
    return out
