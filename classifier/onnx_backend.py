"""The serving backend: an exported YOLO-World on ONNX Runtime, without torch.

Everything but the network call is shared with the OpenVINO backend (exported.py).
"""

from typing import TYPE_CHECKING, Any

from .config import ModelConfig
from .exported import ExportedDetector, load_export
from .onnx_session import device_name, open_session
from .served import Served

if TYPE_CHECKING:
    import numpy as np
    import onnxruntime


class OnnxDetector(ExportedDetector):
    """Runs whole batches in one ONNX Runtime call; safe to share between threads."""

    def __init__(
        self, session: "onnxruntime.InferenceSession", served: Served, config: ModelConfig
    ) -> None:
        super().__init__(served, config, device_name(session, config))
        self.session = session
        self._input = session.get_inputs()[0].name

    def _infer(self, tensor: "np.ndarray") -> "np.ndarray":
        [output] = self.session.run(None, {self._input: tensor})
        return output

    def describe(self) -> dict[str, Any]:
        import onnxruntime

        return {
            "backend": "onnx",
            **self._describe_model(),
            "providers": self.session.get_providers(),
            "threads": self.config.threads,  # 0: one per physical core
            "versions": {"onnxruntime": onnxruntime.__version__},
        }


def load_onnx_detector(config: ModelConfig) -> OnnxDetector:
    """Check the .onnx file against its manifest and the config, then open the chosen one."""
    served = load_export(config)
    return OnnxDetector(open_session(served.path, config), served, config)
