"""An exported YOLO-World on Intel's OpenVINO runtime, on the CPU, without torch.

It reads the same .onnx file and manifest as the onnx backend. Its reason to
exist: on CPUs with AMX or AVX-512 BF16, OpenVINO computes the fp32 file in
bfloat16, several times faster than float32 (see docs/benchmarks.md). bfloat16
keeps about three significant digits, so scores and boxes move: it is served
when forced (BIRDAI_MODEL_PRECISION=bf16) or when the build measured its
fidelity to fp32 and it passed the gate (classifier.precision). fp32 gives the
reference numbers (and about ONNX Runtime's speed).
"""

import threading
from typing import TYPE_CHECKING, Any

from .config import ModelConfig
from .errors import ModelError
from .exported import ExportedDetector, load_export
from .onnx_session import return_freed_memory
from .served import Served

if TYPE_CHECKING:
    import numpy as np
    import openvino


class OpenVinoDetector(ExportedDetector):
    """Runs whole batches in one OpenVINO inference; safe to share between threads."""

    def __init__(
        self, compiled: "openvino.CompiledModel", served: Served, config: ModelConfig
    ) -> None:
        super().__init__(served, config, "cpu")
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
            "versions": {"openvino": openvino.__version__},
        }


def load_openvino_detector(config: ModelConfig) -> OpenVinoDetector:
    """Check the .onnx file against its manifest and the config, then compile the chosen one."""
    served = load_export(config)
    compiled = compile_for(served, config)
    return_freed_memory()
    return OpenVinoDetector(compiled, served, config)


def compile_for(served: Served, config: ModelConfig) -> "openvino.CompiledModel":
    """`served.path` compiled for the CPU in `served.precision`; ModelError if it cannot be."""
    openvino = _import_openvino()
    properties = _properties(config, served.precision)
    try:
        compiled = openvino.Core().compile_model(str(served.path), "CPU", properties)
    except Exception as exc:  # OpenVINO raises plain RuntimeErrors with its own text
        raise ModelError(f"OpenVINO cannot load {served.path}: {exc}") from exc
    if _computes_in(compiled) != properties["INFERENCE_PRECISION_HINT"]:
        # OpenVINO quietly computes in f32 where the CPU has no bf16.
        raise ModelError(
            f"OpenVINO cannot compute in {served.precision} on this CPU "
            f"(it chose {_computes_in(compiled)}); set BIRDAI_MODEL_PRECISION=auto"
        )
    return compiled


def _properties(config: ModelConfig, precision: str) -> dict[str, Any]:
    # LATENCY: one request at a time using every core, which is how the worker calls it.
    properties: dict[str, Any] = {"PERFORMANCE_HINT": "LATENCY"}
    if config.threads:
        properties["INFERENCE_NUM_THREADS"] = config.threads
    # An int8 file's quantised layers run in int8 whatever the hint; the rest in f32.
    properties["INFERENCE_PRECISION_HINT"] = "bf16" if precision == "bf16" else "f32"
    return properties


def _computes_in(compiled: "openvino.CompiledModel") -> str:
    return str(compiled.get_property("INFERENCE_PRECISION_HINT").get_type_name())


def _import_openvino() -> Any:
    try:
        import openvino
    except ImportError:
        raise ModelError(
            "BIRDAI_MODEL_BACKEND=openvino needs the openvino package (pip install openvino), "
            "which is not installed"
        ) from None
    return openvino
