"""Opening an ONNX Runtime session: which execution providers, how many threads.

ONNX Runtime runs the graph on "execution providers": CPU always; CUDA and
TensorRT only in the onnxruntime-gpu build, on a machine with an NVIDIA GPU.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import ModelConfig
from .errors import ModelError

if TYPE_CHECKING:
    import onnxruntime

CPU = "CPUExecutionProvider"
CUDA = "CUDAExecutionProvider"
TENSORRT = "TensorrtExecutionProvider"
GPU_HELP = "install onnxruntime-gpu instead of onnxruntime, on a machine with an NVIDIA GPU"
TENSORRT_MAX_BATCH = 16  # TensorRT compiles for a range of input shapes; this bounds the batch

Provider = str | tuple[str, dict[str, Any]]


def open_session(path: Path, config: ModelConfig) -> "onnxruntime.InferenceSession":
    """A session for `path` on the providers `config.device` asks for."""
    onnxruntime = import_onnxruntime()
    available = onnxruntime.get_available_providers()
    providers = choose_providers(config.device, available, path, config.imgsz)
    try:
        session = onnxruntime.InferenceSession(str(path), _options(config), providers=providers)
    except Exception as exc:  # ORT raises its own Fail/InvalidProtobuf/... types
        raise ModelError(f"ONNX Runtime cannot load {path}: {exc}") from exc
    if config.device not in ("auto", "cpu") and session.get_providers()[0] == CPU:
        # ORT falls back to the CPU with only a warning when CUDA libraries are missing.
        raise ModelError(f"Device {config.device!r} was asked for, but ONNX Runtime chose the CPU")
    return_freed_memory()
    return session


def choose_providers(
    device: str, available: list[str], path: Path, imgsz: int = 640
) -> list[Provider]:
    """Providers in order of preference; the CPU is always the last resort."""
    kind, _, index = device.partition(":")
    gpu = {"device_id": int(index or 0)}
    if kind == "cpu" or (kind == "auto" and CUDA not in available):
        return [CPU]
    if kind == "auto":
        return [(CUDA, gpu), CPU]
    wanted = TENSORRT if kind == "tensorrt" else CUDA
    if wanted not in available:
        raise ModelError(
            f"Device {device!r} needs ONNX Runtime's {wanted}, but this build offers only "
            f"{available}: {GPU_HELP}"
        )
    if kind == "cuda":
        return [(CUDA, gpu), CPU]
    return [(TENSORRT, gpu | _tensorrt_options(path, imgsz)), (CUDA, gpu), CPU]


def device_name(session: "onnxruntime.InferenceSession", config: ModelConfig) -> str:
    """The device as runs record it: cuda:N when a GPU provider runs the model, else cpu."""
    if session.get_providers()[0] == CPU:
        return "cpu"
    _, _, index = config.device.partition(":")
    return f"cuda:{index or 0}"


def _tensorrt_options(path: Path, imgsz: int) -> dict[str, Any]:
    """TensorRT compiles an engine on first use (minutes): keep it on disk, beside the model.

    The input's batch, height and width are open, so TensorRT needs their range
    up front (a profile), or it would compile again for every new shape.
    """
    return {
        "trt_engine_cache_enable": True,
        "trt_engine_cache_path": str(path.parent / "trt"),
        "trt_profile_min_shapes": "images:1x3x32x32",
        "trt_profile_opt_shapes": f"images:1x3x{imgsz}x{imgsz}",
        "trt_profile_max_shapes": f"images:{TENSORRT_MAX_BATCH}x3x{imgsz}x{imgsz}",
    }


def import_onnxruntime() -> Any:
    try:
        import onnxruntime
    except ImportError:
        raise ModelError(
            "BIRDAI_MODEL_BACKEND=onnx needs the onnxruntime package (pip install "
            "onnxruntime, or onnxruntime-gpu for GPUs), which is not installed"
        ) from None
    return onnxruntime


def return_freed_memory() -> None:
    """Give the memory ONNX Runtime freed while loading back to the operating system.

    Optimising the graph briefly holds the weights twice (as read, and
    re-laid out for the CPU's vector units). ORT frees the first copy, but
    glibc keeps freed memory for reuse, so without this the worker would keep
    about 200 MB (for YOLO-World-L) it never uses again. Linux with glibc only.
    """
    import ctypes

    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # the C library already loaded
    if trim is not None:  # musl and macOS have none
        trim(0)


def _options(config: ModelConfig) -> "onnxruntime.SessionOptions":
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = config.threads  # 0: one per physical core
    options.inter_op_num_threads = 1  # the graph is one chain of layers: nothing to overlap
    options.log_severity_level = 3  # errors only; warnings are about optional providers
    return options
