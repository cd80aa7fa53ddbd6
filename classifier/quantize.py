"""Eight-bit integer copies of an ONNX model: the build's int8 variant, and the benchmark's.

Both shrink the file and memory about fourfold. Whether they still find what
fp32 finds is measured when the build makes one (classifier.build_int8): a
worker serves it only if that fidelity passes its gate.

- dynamic: weights stored as int8, activations quantised on the fly per call.
  No calibration needed; on an AVX2 CPU its integer convolutions are no faster.
- static (QDQ): activations too, with ranges measured on calibration images
  beforehand. Much faster, and the one that depends most on those images.
"""

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .letterbox import to_tensor
from .manifest import read_manifest, write_manifest
from .pixels import rgb_pixels
from .weights import sha256_of

if TYPE_CHECKING:
    import numpy as np

# Calibration keeps what it measured on each image until it folds it into ranges;
# fold after every image, so memory does not grow with the number of photos.
# (CalibStridedMinMax: ORT's CalibMaxIntermediateOutputs drops what it collected
# without folding it in, microsoft/onnxruntime#18893.)
CALIBRATION_STRIDE = 1


def quantize_dynamic_int8(onnx: Path, out: Path) -> Path:
    """An int8 copy of `onnx` with a manifest of its own (for the benchmark)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(onnx, out, weight_type=QuantType.QUInt8)
    return _with_manifest(onnx, out)


def quantize_static_int8(onnx: Path, out: Path, calibration: list[Path]) -> Path:
    """quantize_static, with a manifest of its own for `out` (for the benchmark)."""
    return _with_manifest(onnx, quantize_calibrated(onnx, out, calibration))


def quantize_calibrated(onnx: Path, out: Path, calibration: list[Path]) -> Path:
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
            nodes_to_exclude=head_nodes(prepared),
            extra_options={"CalibStridedMinMax": CALIBRATION_STRIDE},
        )
    finally:
        prepared.unlink(missing_ok=True)
    return out


def head_nodes(onnx: Path) -> list[str]:
    """The detection head's nodes that must stay in float: all but its convolutions.

    The network's one output concatenates box coordinates (0 to 640) with class
    scores (0 to 1): one uint8 range for both rounds every score to zero. The
    box decoding (DFL's softmax and expectation) and the contrastive class head
    (a matmul with the class text features) lose as much. The head's own
    convolutions quantise well and carry most of its cost.
    """
    import onnx as onnx_lib

    graph = onnx_lib.load(onnx, load_external_data=False).graph
    [output] = graph.output
    producer = next(node for node in graph.node if output.name in node.output)
    head = "/".join(producer.name.split("/")[:2]) + "/"  # "/model.22/"
    return [
        node.name
        for node in graph.node
        if node.name.startswith(head) and (node.op_type != "Conv" or "/dfl/" in node.name)
    ]


class _Calibration:
    """Feeds calibration images to the quantiser, letterboxed as in serving.

    The quantiser asks for them a stride at a time (set_range, then get_next
    until None), so only one stride's images are ever decoded at once.
    """

    def __init__(self, paths: list[Path], imgsz: int) -> None:
        self._all = paths
        self._paths = iter(paths)
        self._imgsz = imgsz

    def __len__(self) -> int:
        return len(self._all)

    def set_range(self, start_index: int, end_index: int) -> None:
        self._paths = iter(self._all[start_index:end_index])

    def get_next(self) -> dict[str, "np.ndarray"] | None:
        from PIL import Image

        path = next(self._paths, None)
        if path is None:
            return None
        with Image.open(path) as image:
            tensor, _ = to_tensor([rgb_pixels(image)], self._imgsz)
        return {"images": tensor}


def _with_manifest(source: Path, out: Path) -> Path:
    """The source's manifest, with the new file's checksum and no variants of its own."""
    manifest = replace(read_manifest(source), onnx_sha256=sha256_of(out), variants={})
    write_manifest(out, manifest)
    return out
