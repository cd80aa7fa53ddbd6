"""The build's bf16 variant: the fp32 file on OpenVINO in bfloat16, measured against fp32.

Listed only where the CPU computes bf16 (AVX-512 BF16 or AMX); elsewhere the build
says so and lists nothing. The lively model's figures say how faithful bf16 is to
fp32 on the same random network, never how accurate either is.
"""

import dataclasses
import shutil
from pathlib import Path

import pytest

from classifier import ModelConfig, ModelError, load_detector
from classifier.build_bf16 import add_bf16_variant
from classifier.build_measure import detect_all
from classifier.fidelity import fidelity
from classifier.manifest import manifest_path, read_manifest
from classifier.photos import split_photos

MADE = 2  # photos made in code: few, the model is slow on two cores

openvino = pytest.importorskip("openvino")
HAS_BF16 = "BF16" in openvino.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")


@pytest.fixture
def model(lively_onnx: Path, tmp_path: Path) -> Path:
    """A copy of the lively model and its manifest, for the build to add to."""
    copy = tmp_path / lively_onnx.name
    shutil.copy(lively_onnx, copy)
    shutil.copy(manifest_path(lively_onnx), manifest_path(copy))
    return copy


@pytest.mark.model
@pytest.mark.skipif(not HAS_BF16, reason="this CPU has no bf16 (AVX-512 BF16 or AMX)")
def test_bf16_is_listed_as_the_fp32_file_on_openvino_with_its_fidelity(
    model: Path, tmp_path: Path
) -> None:
    manifest = add_bf16_variant(model, made=MADE)
    assert manifest == read_manifest(model)  # what it returns is what it wrote
    bf16 = manifest.variants["bf16"]
    assert (bf16.file, bf16.sha256, bf16.backends) == (
        model.name,
        manifest.onnx_sha256,
        ("openvino",),
    )
    # The recorded figures are what serving each precision on the held-out photos gives.
    _, held_out = split_photos(None, tmp_path, MADE)
    config = ModelConfig(weights=model, device="cpu", sha256=None)
    fp32 = load_detector(dataclasses.replace(config, backend="onnx", precision="fp32"))
    served = load_detector(dataclasses.replace(config, backend="openvino", precision="bf16"))
    assert served.describe()["precision"] == "bf16"
    again = fidelity(detect_all(fp32, held_out), detect_all(served, held_out))
    assert bf16.fidelity is not None and bf16.fidelity.photos == len(held_out)
    assert again.f1 == pytest.approx(bf16.fidelity.f1)
    assert again.mean_abs_score_diff == pytest.approx(bf16.fidelity.mean_abs_score_diff, abs=1e-6)


@pytest.mark.skipif(HAS_BF16, reason="this CPU computes bf16: the other test runs")
def test_a_cpu_without_bf16_gets_no_variant_and_the_manifest_stays(model: Path) -> None:
    before = manifest_path(model).read_text()
    with pytest.raises(ModelError, match="cannot compute in bf16 on this CPU"):
        add_bf16_variant(model, made=MADE)
    assert manifest_path(model).read_text() == before
