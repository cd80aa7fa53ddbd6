"""Which precision a worker serves: chosen at load from the CPU and the manifest's variants.

The int8 file here is a real 8-bit copy of the lively model (dynamic
quantisation: quick to make); the fidelity each manifest records is written
in the test, to put it on either side of the gate.
"""

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from classifier import ModelConfig, ModelError
from classifier.fidelity import Fidelity
from classifier.manifest import Variant, manifest_path, read_manifest, write_manifest
from classifier.onnx_backend import load_onnx_detector
from classifier.precision import FAST_ON, cpu_flags
from classifier.served import served_file
from classifier.weights import sha256_of
from tests.classifier.compare import noise

pytestmark = pytest.mark.model
VNNI = frozenset({"avx2", "avx512f", "avx512_vnni"})  # /proc/cpuinfo's names


@pytest.fixture(scope="module")
def int8_beside(lively_onnx: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the lively model and an int8 copy of it, `-int8.onnx`."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    onnx = tmp_path_factory.mktemp("int8") / lively_onnx.name
    shutil.copy(lively_onnx, onnx)
    shutil.copy(manifest_path(lively_onnx), manifest_path(onnx))
    quantize_dynamic(onnx, onnx.with_name(f"{onnx.stem}-int8.onnx"), weight_type=QuantType.QUInt8)
    return onnx


def int8_variant(model: Path, f1: float = 0.99) -> Variant:
    int8 = model.with_name(f"{model.stem}-int8.onnx")
    return Variant(int8.name, sha256_of(int8), ("onnx",), Fidelity(f1, 0.01, 8, 100))


def export(tmp_path: Path, model: Path, **variants: Variant) -> ModelConfig:
    """`model`'s files linked into `tmp_path`, its manifest listing `variants`."""
    for file in model.parent.glob(f"{model.stem}*.onnx"):
        os.link(file, tmp_path / file.name)
    onnx = tmp_path / model.name
    write_manifest(onnx, dataclasses.replace(read_manifest(model), variants=variants))
    return ModelConfig(weights=onnx, device="cpu", sha256=None, confidence=0.01)


@pytest.fixture
def cpu(monkeypatch: pytest.MonkeyPatch) -> list[frozenset[str]]:
    """The CPU flags the worker finds at start: VNNI unless a test says otherwise."""
    flags = [VNNI]
    monkeypatch.setattr("classifier.served.cpu_flags", lambda: flags[0])
    return flags


def test_auto_serves_int8_on_a_cpu_with_vnni(
    int8_beside: Path, tmp_path: Path, cpu: list[frozenset[str]]
) -> None:
    config = export(tmp_path, int8_beside, int8=int8_variant(int8_beside))
    detector = load_onnx_detector(config)
    info = detector.describe()
    assert (info["precision"], info["file"]) == ("int8", "yolov8s-worldv2-lively-int8.onnx")
    assert info["sha256"] == read_manifest(config.weights).variants["int8"].sha256
    assert info["precision_reason"] == "int8: the CPU has avx512_vnni and int8's F1 0.99 ≥ 0.98"
    image = noise(800, 450, seed=3)
    run = detector.detect(image)
    assert run.precision == "int8"  # each photo's run says what served it
    found = run.detections
    fp32 = load_onnx_detector(dataclasses.replace(config, precision="fp32"))
    assert fp32.describe()["precision_reason"] == "fp32: forced (BIRDAI_MODEL_PRECISION)"
    assert found and found != fp32.detect(image).detections  # another file, other numbers


def test_auto_keeps_fp32_below_the_gate_or_without_the_instructions(
    int8_beside: Path, tmp_path: Path, cpu: list[frozenset[str]]
) -> None:
    config = export(tmp_path, int8_beside, int8=int8_variant(int8_beside, f1=0.95))
    info = load_onnx_detector(config).describe()
    assert (info["precision"], info["precision_reason"]) == ("fp32", "fp32: int8's F1 0.95 < 0.98")
    assert info["sha256"] == sha256_of(config.weights)
    lowered = dataclasses.replace(config, fidelity_min=0.9)  # BIRDAI_MODEL_FIDELITY_MIN
    assert load_onnx_detector(lowered).describe()["precision"] == "int8"
    cpu[0] = frozenset({"avx2"})
    info = load_onnx_detector(lowered).describe()
    assert info["precision_reason"] == "fp32: no VNNI/dot-product/bf16 on this CPU (AVX2 only)"


def test_forcing_a_precision_the_build_did_not_make_is_an_error(
    int8_beside: Path, tmp_path: Path, cpu: list[frozenset[str]]
) -> None:
    config = dataclasses.replace(export(tmp_path, int8_beside), precision="int8")
    with pytest.raises(ModelError, match="BIRDAI_MODEL_PRECISION is int8, but the model has no"):
        load_onnx_detector(config)


def test_forcing_serves_below_the_gate_and_says_so(
    int8_beside: Path, tmp_path: Path, cpu: list[frozenset[str]]
) -> None:
    cpu[0] = frozenset({"avx2"})
    config = export(tmp_path, int8_beside, int8=int8_variant(int8_beside, f1=0.5))
    info = load_onnx_detector(dataclasses.replace(config, precision="int8")).describe()
    assert (info["precision"], info["precision_reason"]) == (
        "int8",
        "int8: forced (BIRDAI_MODEL_PRECISION); int8's F1 0.5 < 0.98",
    )


def test_a_variant_left_behind_is_passed_over_unless_forced(
    int8_beside: Path, tmp_path: Path, cpu: list[frozenset[str]]
) -> None:
    # The .onnx and .json copied without the -int8.onnx: still a working fp32 model.
    config = export(tmp_path, int8_beside, int8=int8_variant(int8_beside))
    config.weights.with_name(read_manifest(config.weights).variants["int8"].file).unlink()
    info = load_onnx_detector(config).describe()
    assert info["precision"] == "fp32"
    assert (
        "int8 variant, yolov8s-worldv2-lively-int8.onnx, is not beside" in info["precision_reason"]
    )
    with pytest.raises(ModelError, match="is int8, but the model's int8 variant"):
        load_onnx_detector(dataclasses.replace(config, precision="int8"))


@pytest.mark.parametrize("precision", ["auto", "int8"])
def test_a_tampered_int8_file_is_refused(
    int8_beside: Path, tmp_path: Path, cpu: list[frozenset[str]], precision: str
) -> None:
    config = export(tmp_path, int8_beside, int8=int8_variant(int8_beside))
    int8 = config.weights.with_name(read_manifest(config.weights).variants["int8"].file)
    tampered = bytearray(int8.read_bytes())
    tampered[-1] ^= 1
    int8.unlink()  # a hard link: write a new file, leave the shared one alone
    int8.write_bytes(bytes(tampered))
    with pytest.raises(ModelError, match=r"Checksum mismatch for .*int8 variant"):
        load_onnx_detector(dataclasses.replace(config, precision=precision))


def test_a_gpu_keeps_fp32_unless_forced(
    int8_beside: Path, tmp_path: Path, cpu: list[frozenset[str]]
) -> None:
    # The CPU's VNNI says nothing about the GPU that will run the model.
    config = dataclasses.replace(
        export(tmp_path, int8_beside, int8=int8_variant(int8_beside)), device="cuda"
    )
    manifest = read_manifest(config.weights)
    served = served_file(config, manifest)
    assert (served.precision, served.path) == ("fp32", config.weights)
    assert served.reason.startswith("fp32: on a GPU")
    forced = served_file(dataclasses.replace(config, precision="int8"), manifest)
    assert forced.path.name == "yolov8s-worldv2-lively-int8.onnx"


def test_the_worker_reads_the_precision_from_its_environment(
    int8_beside: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from classifier.detector import load_detector_from_env

    config = export(tmp_path, int8_beside, int8=int8_variant(int8_beside, f1=0.5))
    monkeypatch.setenv("BIRDAI_MODEL_WEIGHTS", str(config.weights))
    monkeypatch.setenv("BIRDAI_MODEL_DEVICE", "cpu")
    monkeypatch.setenv("BIRDAI_MODEL_PRECISION", "int8")
    assert load_detector_from_env().describe()["precision"] == "int8"
    monkeypatch.setenv("BIRDAI_MODEL_PRECISION", "auto")
    monkeypatch.setenv("BIRDAI_MODEL_FIDELITY_MIN", "0.4")
    vnni = cpu_flags() & set(FAST_ON["int8"])  # this machine's own CPU
    assert load_detector_from_env().describe()["precision"] == ("int8" if vnni else "fp32")
