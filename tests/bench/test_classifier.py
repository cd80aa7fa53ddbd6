"""python -m bench.classifier --quick, on the small lively model: the smoke run CI does."""

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from bench.classifier import PRECISION_FLAGS
from classifier.config import FIDELITY_MIN
from classifier.fidelity import Fidelity
from classifier.manifest import Variant, manifest_path, read_manifest, write_manifest
from classifier.precision import choose_precision, cpu_flags
from classifier.weights import sha256_of
from tests.conftest import run_python


@pytest.fixture
def built(lively_onnx: Path, tmp_path: Path) -> Path:
    """The lively model as a build leaves it: an int8 variant beside it, its fidelity recorded.

    Dynamic quantisation, quick to make; the fidelity is written here to pass the gate,
    so that a CPU with VNNI or a dot product serves int8.
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    onnx = tmp_path / "model" / lively_onnx.name
    onnx.parent.mkdir()
    shutil.copy(lively_onnx, onnx)
    int8 = onnx.with_name(f"{onnx.stem}-int8.onnx")
    quantize_dynamic(lively_onnx, int8, weight_type=QuantType.QUInt8)
    variant = Variant(int8.name, sha256_of(int8), ("onnx",), Fidelity(0.99, 0.01, 8, 100))
    manifest = dataclasses.replace(read_manifest(lively_onnx), variants={"int8": variant})
    write_manifest(onnx, manifest)
    assert manifest_path(onnx).is_file()
    return onnx


def test_bench_compares_backends_in_their_own_processes(
    lively_weights: Path, built: Path, tmp_path: Path
) -> None:
    done = run_python(
        "-m", "bench.classifier", "--quick",
        "--weights", str(lively_weights), "--onnx", str(built), "--workdir", str(tmp_path),
        "--variants", "torch,onnx,served,int8-dynamic,openvino",  # more than --quick's three
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("speed-up, median torch / onnx:") for line in lines)
    summary = json.loads(lines[-1])  # the last line is the machine-readable one
    assert summary["cores"] >= 1
    assert (summary["images"], summary["rounds"]) == (2, 1)  # --quick's sizes
    assert summary["speedup"] > 0
    for name in ("torch", "onnx", "served", "int8-dynamic", "openvino"):
        figures = summary[name]
        assert 0 < figures["median_s"] <= figures["p95_s"]
        assert figures["images_per_s"] > 0
        assert figures["peak_rss_mb"] > 50
    # Each backend ran in its own process: only the torch one paid for torch.
    assert summary["torch"]["torch_loaded"] is True
    for name in ("onnx", "served", "openvino"):
        assert summary[name]["torch_loaded"] is False
    precisions = [summary[name]["precision"] for name in ("torch", "onnx", "int8-dynamic")]
    assert precisions == ["fp32", "fp32", "int8"]
    assert summary["onnx"]["peak_rss_mb"] < summary["torch"]["peak_rss_mb"]
    assert (tmp_path / f"{built.stem}-int8-dynamic.json").is_file()
    # The lively model's manifest does not know its weights are random (make_lively
    # saves a checkpoint); what the benchmark says about it follows the manifest.
    untrained = read_manifest(built).untrained
    assert summary["untrained"] is untrained
    caveat = "Untrained weights: speed, memory and fidelity to fp32 only, never accuracy."
    assert (caveat in lines) is untrained
    # The served row: what a worker would serve by default on this CPU, and why.
    flags = cpu_flags()
    assert summary["cpu_flags"] == {flag: flag in flags for flag in PRECISION_FLAGS}
    shown = " ".join(("+" if flag in flags else "-") + flag for flag in PRECISION_FLAGS)
    assert f"CPU flags: {shown}" in lines
    # The worker's own choice on this CPU: int8 with VNNI or a dot product, else fp32.
    precision, reason = choose_precision(
        flags=flags, variants=read_manifest(built).variants, backend="onnx",
        fidelity_min=FIDELITY_MIN,
    )  # fmt: skip
    assert precision == ("int8" if flags & {"avx512_vnni", "avx_vnni", "asimddp"} else "fp32")
    served = summary["served"]
    assert (served["precision"], served["precision_reason"]) == (precision, reason)
    assert f"served here (onnx, BIRDAI_MODEL_PRECISION=auto): {reason}" in lines
    assert summary["speedup_served"] > 0
    assert any(line.startswith("speed-up, median torch / served:") for line in lines)
