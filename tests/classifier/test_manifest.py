"""Every way an ONNX model or its manifest can be wrong ends in a ModelError that says so."""

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from classifier import ModelConfig, ModelError, load_detector
from classifier.manifest import manifest_path, read_manifest
from classifier.weights import sha256_of


@pytest.fixture
def copy(lively_onnx: Path, onnx_config: ModelConfig, tmp_path: Path) -> ModelConfig:
    """The lively model and its manifest copied to tmp_path, free to damage."""
    onnx = tmp_path / lively_onnx.name
    shutil.copy(lively_onnx, onnx)
    shutil.copy(manifest_path(lively_onnx), manifest_path(onnx))
    return dataclasses.replace(onnx_config, weights=onnx)


def test_manifest_records_the_build(lively_onnx: Path, lively_weights: Path) -> None:
    manifest = read_manifest(lively_onnx)
    assert manifest.classes == ("squirrel", "bird", "person", "dog", "cat")
    assert manifest.imgsz == 640
    assert manifest.onnx_sha256 == sha256_of(lively_onnx)
    assert manifest.weights_sha256 == sha256_of(lively_weights)
    assert manifest.weights_name == lively_weights.name
    assert manifest.versions["onnx"]


def test_missing_model_says_how_to_build_it(copy: ModelConfig) -> None:
    copy.weights.unlink()
    with pytest.raises(ModelError, match=r"not found.*python -m classifier build"):
        load_detector(copy)


def test_onnx_backend_refuses_a_checkpoint(untrained_weights: Path) -> None:
    config = ModelConfig(weights=untrained_weights, backend="onnx", device="cpu")
    with pytest.raises(ModelError, match=r"needs an \.onnx model"):
        load_detector(config)


def test_missing_manifest(copy: ModelConfig) -> None:
    manifest_path(copy.weights).unlink()
    with pytest.raises(ModelError, match="No manifest"):
        load_detector(copy)


@pytest.mark.parametrize("content", ["{not json", '{"classes": ["bird"]}', "[]"])
def test_malformed_manifest(copy: ModelConfig, content: str) -> None:
    manifest_path(copy.weights).write_text(content)
    with pytest.raises(ModelError, match="malformed"):
        load_detector(copy)


def test_truncated_model_fails_its_checksum(copy: ModelConfig) -> None:
    data = copy.weights.read_bytes()
    copy.weights.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match=r"Checksum mismatch.*damaged or truncated"):
        load_detector(copy)


def test_truncated_model_with_a_matching_manifest(copy: ModelConfig) -> None:
    # Someone rewrote the manifest for a broken file: ONNX Runtime's refusal is reported.
    copy.weights.write_bytes(copy.weights.read_bytes()[:100_000])
    path = manifest_path(copy.weights)
    fields = json.loads(path.read_text()) | {"onnx_sha256": sha256_of(copy.weights)}
    path.write_text(json.dumps(fields))
    with pytest.raises(ModelError, match="ONNX Runtime cannot load"):
        load_detector(copy)


def test_pinned_checksum(copy: ModelConfig, lively_weights: Path) -> None:
    # BIRDAI_MODEL_SHA256 may name the .onnx file or the checkpoint it was built from.
    load_detector(dataclasses.replace(copy, sha256=sha256_of(copy.weights)))
    load_detector(dataclasses.replace(copy, sha256=sha256_of(lively_weights)))
    with pytest.raises(ModelError, match="not the expected model"):
        load_detector(dataclasses.replace(copy, sha256="0" * 64))


def test_classes_are_baked_in(copy: ModelConfig) -> None:
    with pytest.raises(ModelError, match="built for the classes") as caught:
        load_detector(dataclasses.replace(copy, classes=("red fox",)))
    assert "python -m classifier build --classes" in str(caught.value)


def test_imgsz_must_match(copy: ModelConfig) -> None:
    with pytest.raises(ModelError, match="built for imgsz 640"):
        load_detector(dataclasses.replace(copy, imgsz=320))
