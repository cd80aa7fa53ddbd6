"""The OpenVINO backend: the same exported file, the same boxes as ultralytics."""

import dataclasses
import os
from pathlib import Path

import pytest

from classifier import ModelConfig, ModelError, load_detector
from classifier.fidelity import Fidelity
from classifier.manifest import Variant, read_manifest, write_manifest
from classifier.openvino_backend import OpenVinoDetector, load_openvino_detector
from tests.classifier.compare import assert_same_detections, iou, noise

pytestmark = pytest.mark.model


@pytest.mark.parametrize("size", [(800, 450), (300, 500)], ids=["wide", "tall"])
def test_fp32_gives_the_same_boxes_as_ultralytics(
    openvino_config: ModelConfig, lively_torch_config: ModelConfig, size: tuple[int, int]
) -> None:
    image = noise(*size, seed=sum(size))
    reference = load_detector(dataclasses.replace(lively_torch_config, confidence=0.01))
    ours = load_detector(dataclasses.replace(openvino_config, confidence=0.01))
    expected = reference.detect(image).detections
    assert len(expected) >= 3
    assert_same_detections(expected, ours.detect(image).detections)


def test_bf16_is_served_only_when_listed_and_near_the_reference(
    openvino_config: ModelConfig, lively_torch_config: ModelConfig, tmp_path: Path
) -> None:
    # bf16 runs the fp32 file; it is a variant only once measured (or, here, written)
    # in the manifest. bfloat16 keeps about three significant digits; on this
    # random-weight model it moved scores by up to 0.06 (docs/benchmarks.md), so only
    # the strongest box is compared here, loosely.
    import openvino

    has_bf16 = "BF16" in openvino.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    plain = dataclasses.replace(openvino_config, precision="auto", confidence=0.05)
    assert load_openvino_detector(plain).describe()["precision"] == "fp32"  # none listed
    forced = dataclasses.replace(plain, weights=with_bf16(openvino_config.weights, tmp_path))
    forced = dataclasses.replace(forced, precision="bf16")
    if not has_bf16:
        with pytest.raises(ModelError, match="cannot compute in bf16 on this CPU"):
            load_openvino_detector(forced)
        return
    ours = load_openvino_detector(forced)
    assert ours.describe()["precision"] == "bf16"
    image = noise(800, 450, seed=1250)
    reference = load_detector(dataclasses.replace(lively_torch_config, confidence=0.05))
    want = max(reference.detect(image).detections, key=lambda d: d.confidence)
    got = max(ours.detect(image).detections, key=lambda d: d.confidence)
    assert (got.label, iou(got, want) > 0.8) == (want.label, True)
    assert got.confidence == pytest.approx(want.confidence, abs=0.1)


def with_bf16(onnx: Path, folder: Path) -> Path:
    """A link to `onnx` in `folder`, its manifest listing bf16 (the same file) for openvino."""
    copy = folder / onnx.name
    os.link(onnx, copy)
    manifest = read_manifest(onnx)
    bf16 = Variant(onnx.name, manifest.onnx_sha256, ("openvino",), Fidelity(0.99, 0.02, 8, 100))
    write_manifest(copy, dataclasses.replace(manifest, variants={"bf16": bf16}))
    return copy


def test_describe_says_what_runs(openvino_config: ModelConfig) -> None:
    detector = load_detector(dataclasses.replace(openvino_config, threads=1))
    assert isinstance(detector, OpenVinoDetector)
    info = detector.describe()
    assert (info["backend"], info["device"], info["precision"]) == ("openvino", "cpu", "fp32")
    assert info["threads"] == 1
    assert info["model"] == "yolov8s-worldv2-lively"
    assert info["classes"] == list(openvino_config.classes)
    assert "openvino" in info["versions"]


def test_batches_and_odd_images(openvino_config: ModelConfig) -> None:
    detector = load_detector(dataclasses.replace(openvino_config, confidence=0.05))
    images = [noise(800, 450), noise(300, 500), noise(1, 1)]
    runs = detector.detect_batch(images)
    assert [run.device for run in runs] == ["cpu"] * 3
    for image, run in zip(images, runs, strict=True):
        for found in run.detections:
            assert 0 <= found.box.x1 <= found.box.x2 <= image.width


def test_only_the_cpu(openvino_config: ModelConfig) -> None:
    with pytest.raises(ModelError, match="runs on the CPU only"):
        dataclasses.replace(openvino_config, device="cuda")


def test_a_damaged_file_is_refused(openvino_config: ModelConfig, tmp_path) -> None:
    copy = tmp_path / openvino_config.weights.name
    copy.write_bytes(openvino_config.weights.read_bytes()[:1000])
    copy.with_suffix(".json").write_bytes(openvino_config.weights.with_suffix(".json").read_bytes())
    with pytest.raises(ModelError, match="Checksum mismatch"):
        load_detector(dataclasses.replace(openvino_config, weights=copy))
