from pathlib import Path

import pytest

from classifier import ModelConfig, ModelError
from classifier.config import DEFAULT_CLASSES, DEFAULT_ONNX, DEFAULT_WEIGHTS
from classifier.weights import YOLOV8L_WORLDV2_SHA256

VARIABLES = [
    "BIRDAI_MODEL_WEIGHTS",
    "BIRDAI_MODEL_SHA256",
    "BIRDAI_MODEL_CLASSES",
    "BIRDAI_MODEL_DEVICE",
    "BIRDAI_MODEL_CONFIDENCE",
    "BIRDAI_MODEL_IMGSZ",
    "BIRDAI_MODEL_BACKEND",
    "BIRDAI_MODEL_THREADS",
    "BIRDAI_MODEL_PRECISION",
    "BIRDAI_MODEL_FIDELITY_MIN",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_defaults_when_nothing_is_set() -> None:
    # The worker serves the ONNX build by default: no torch in memory.
    config = ModelConfig.from_env()
    assert config == ModelConfig(sha256=None)
    assert config.weights == DEFAULT_ONNX == Path("models/yolov8l-worldv2.onnx")
    assert config.classes == DEFAULT_CLASSES == ("squirrel", "bird", "person", "dog", "cat")
    # The ONNX file is checked against its manifest, not the .pt's official checksum.
    assert config.sha256 is None
    assert (config.device, config.confidence, config.imgsz) == ("auto", 0.25, 640)
    assert (config.backend, config.threads) == ("onnx", 0)
    # The precision is chosen at load, among the variants that pass the gate.
    assert (config.precision, config.fidelity_min) == ("auto", 0.98)


@pytest.mark.parametrize(
    ("weights", "backend"),
    [("/srv/m.onnx", "onnx"), ("/srv/M.ONNX", "onnx"), ("/srv/m.pt", "torch"), ("m", "torch")],
)
def test_backend_follows_the_file_unless_set(
    monkeypatch: pytest.MonkeyPatch, weights: str, backend: str
) -> None:
    monkeypatch.setenv("BIRDAI_MODEL_WEIGHTS", weights)
    assert ModelConfig.from_env().backend == backend
    assert ModelConfig(weights=Path(weights)).backend == backend
    monkeypatch.setenv("BIRDAI_MODEL_BACKEND", "onnx")
    assert ModelConfig.from_env().backend == "onnx"


def test_torch_backend_defaults_to_the_official_checkpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIRDAI_MODEL_BACKEND", "torch")
    config = ModelConfig.from_env()
    assert config.weights == DEFAULT_WEIGHTS == Path("models/yolov8l-worldv2.pt")
    assert config.sha256 == YOLOV8L_WORLDV2_SHA256


def test_every_variable_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIRDAI_MODEL_WEIGHTS", "/srv/model.pt")
    monkeypatch.setenv("BIRDAI_MODEL_SHA256", "AB" * 32)
    monkeypatch.setenv("BIRDAI_MODEL_CLASSES", " squirrel, red fox ,,")
    monkeypatch.setenv("BIRDAI_MODEL_DEVICE", "CUDA:1")
    monkeypatch.setenv("BIRDAI_MODEL_CONFIDENCE", "0.5")
    monkeypatch.setenv("BIRDAI_MODEL_IMGSZ", "1280")
    monkeypatch.setenv("BIRDAI_MODEL_THREADS", "2")
    monkeypatch.setenv("BIRDAI_MODEL_FIDELITY_MIN", "0.9")
    assert ModelConfig.from_env() == ModelConfig(
        weights=Path("/srv/model.pt"),
        sha256="ab" * 32,
        classes=("squirrel", "red fox"),
        device="cuda:1",
        confidence=0.5,
        imgsz=1280,
        threads=2,
        fidelity_min=0.9,
    )


def test_onnx_backend_takes_tensorrt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIRDAI_MODEL_BACKEND", "ONNX")
    monkeypatch.setenv("BIRDAI_MODEL_DEVICE", "tensorrt:1")
    assert ModelConfig.from_env().device == "tensorrt:1"


@pytest.mark.parametrize("value", ["", "skip", "SKIP"])
def test_sha256_check_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("BIRDAI_MODEL_SHA256", value)
    assert ModelConfig.from_env().sha256 is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BIRDAI_MODEL_SHA256", "abc123"),
        ("BIRDAI_MODEL_SHA256", "z" * 64),
        ("BIRDAI_MODEL_CLASSES", " , ,"),
        ("BIRDAI_MODEL_CLASSES", "bird,bird"),
        ("BIRDAI_MODEL_DEVICE", "gpu"),
        ("BIRDAI_MODEL_DEVICE", "cuda:x"),
        ("BIRDAI_MODEL_CONFIDENCE", "high"),
        ("BIRDAI_MODEL_CONFIDENCE", "1.5"),
        ("BIRDAI_MODEL_CONFIDENCE", "nan"),
        ("BIRDAI_MODEL_IMGSZ", "640.0"),
        ("BIRDAI_MODEL_IMGSZ", "0"),
        ("BIRDAI_MODEL_IMGSZ", "650"),
        ("BIRDAI_MODEL_BACKEND", "tflite"),
        ("BIRDAI_MODEL_PRECISION", "int4"),
        ("BIRDAI_MODEL_FIDELITY_MIN", "1.5"),
        ("BIRDAI_MODEL_FIDELITY_MIN", "nan"),
        ("BIRDAI_MODEL_FIDELITY_MIN", "high"),
        ("BIRDAI_MODEL_THREADS", "-1"),
        ("BIRDAI_MODEL_THREADS", "two"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ModelError, match=name):
        ModelConfig.from_env()


def test_openvino_serves_the_onnx_build_in_the_chosen_precision(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BIRDAI_MODEL_BACKEND", "openvino")
    config = ModelConfig.from_env()
    assert (config.weights, config.sha256, config.precision) == (DEFAULT_ONNX, None, "auto")
    monkeypatch.setenv("BIRDAI_MODEL_PRECISION", "BF16")
    assert ModelConfig.from_env().precision == "bf16"
    monkeypatch.setenv("BIRDAI_MODEL_DEVICE", "cuda")
    with pytest.raises(ModelError, match="CPU only"):
        ModelConfig.from_env()


@pytest.mark.parametrize("precision", ["int8", "bf16"])
def test_lower_precisions_need_an_exported_model(
    monkeypatch: pytest.MonkeyPatch, precision: str
) -> None:
    monkeypatch.setenv("BIRDAI_MODEL_PRECISION", precision)
    assert ModelConfig.from_env().precision == precision  # the .onnx default
    monkeypatch.setenv("BIRDAI_MODEL_BACKEND", "torch")
    with pytest.raises(ModelError, match="needs an exported model"):
        ModelConfig.from_env()
    monkeypatch.setenv("BIRDAI_MODEL_PRECISION", "fp32")
    assert ModelConfig.from_env().precision == "fp32"


def test_tensorrt_needs_the_onnx_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIRDAI_MODEL_WEIGHTS", "m.pt")
    monkeypatch.setenv("BIRDAI_MODEL_DEVICE", "tensorrt")
    with pytest.raises(ModelError, match="BIRDAI_MODEL_BACKEND"):
        ModelConfig.from_env()


def test_constructor_checks_and_normalises_values() -> None:
    config = ModelConfig(weights="m.pt", classes=["bird"])  # type: ignore[arg-type]
    assert config.weights == Path("m.pt")
    assert config.classes == ("bird",)
    assert hash(config) == hash(ModelConfig(weights=Path("m.pt"), classes=("bird",)))
    with pytest.raises(ModelError, match="confidence"):
        ModelConfig(confidence=-0.1)
    with pytest.raises(ModelError, match="classes"):
        ModelConfig(classes=())
