"""An exported YOLO-World on Intel's OpenVINO runtime, on the CPU, without torch.

It reads the same .onnx file and manifest as the onnx backend. Its reason to
exist: with BIRDAI_MODEL_PRECISION=auto, on CPUs with AMX (Intel Xeon since
Sapphire Rapids), OpenVINO computes in bfloat16 on the matrix units, several
times faster than float32 (see docs/benchmarks.md). bfloat16 keeps about three
significant digits, so scores and boxes move; the default, fp32, gives the
reference numbers (and about ONNX Runtime's speed).
"""

import threading
from typing import TYPE_CHECKING, Any

from .config import ModelConfig
from .errors import ModelError
from .exported import ExportedDetector, load_export
from .manifest import Manifest
from .onnx_session import return_freed_memory

if TYPE_CHECKING:
    import numpy as np
    import openvino


class OpenVinoDetector(ExportedDetector):
    """Runs whole batches in one OpenVINO inference; safe to share between threads."""

    def __init__(
        self, compiled: "openvino.CompiledModel", manifest: Manifest, config: ModelConfig
    ) -> None:
        super().__init__(manifest, config, "cpu")
        self.compiled = compiled
        # One infer request holds its own buffers: reuse it, one call at a time.
        self._request = compiled.create_infer_request()
        self._lock = threading.Lock()

    def _infer(self, tensor: "np.ndarray") -> "np.ndarray":
        with self._lock:
            output = self._request.infer({0: tensor})[0]
            return output.copy()  # the request's buffer is overwritten by the next call

    def describe(self) -> dict[str, Any]:
        import openvino

        return {
            "backend": "openvino",
            **self._describe_model(),
            "threads": int(self.compiled.get_property("INFERENCE_NUM_THREADS")),
            "precision": _precision_name(self.compiled),
            "versions": {"openvino": openvino.__version__},
        }


def load_openvino_detector(config: ModelConfig) -> OpenVinoDetector:
    """Check the .onnx file against its manifest and the config, then compile it."""
    manifest = load_export(config)
    openvino = _import_openvino()
    try:
        compiled = openvino.Core().compile_model(str(config.weights), "CPU", _properties(config))
    except Exception as exc:  # OpenVINO raises plain RuntimeErrors with its own text
        raise ModelError(f"OpenVINO cannot load {config.weights}: {exc}") from exc
    return_freed_memory()
    return OpenVinoDetector(compiled, manifest, config)


def _properties(config: ModelConfig) -> dict[str, Any]:
    # LATENCY: one request at a time using every core, which is how the worker calls it.
    properties: dict[str, Any] = {"PERFORMANCE_HINT": "LATENCY"}
    if config.threads:
        properties["INFERENCE_NUM_THREADS"] = config.threads
    if config.precision == "fp32":
        properties["INFERENCE_PRECISION_HINT"] = "f32"
    return properties


def _precision_name(compiled: "openvino.CompiledModel") -> str:
    names = {"f32": "fp32", "bf16": "bf16", "f16": "fp16"}
    used = compiled.get_property("INFERENCE_PRECISION_HINT").get_type_name()
    return names.get(used, used)


def _import_openvino() -> Any:
    try:
        import openvino
    except ImportError:
        raise ModelError(
            "BIRDAI_MODEL_BACKEND=openvino needs the openvino package (pip install openvino), "
            "which is not installed"
        ) from None
    return openvino
