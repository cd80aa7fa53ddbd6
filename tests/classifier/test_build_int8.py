"""The build's int8 variant: calibrated on some photos, measured against fp32 on others.

The lively model's figures say how faithful int8 is to fp32 on the same random
network, never how accurate either is.
"""

import dataclasses
import os
import shutil
from pathlib import Path

import onnx
import pytest
from PIL import Image

from classifier import ModelConfig, ModelError
from classifier.build_int8 import add_int8_variant, int8_path
from classifier.fidelity import fidelity
from classifier.manifest import manifest_path, read_manifest
from classifier.onnx_backend import load_onnx_detector
from classifier.photos import blobs, split_photos
from classifier.weights import sha256_of
from tests.conftest import exif_samples_dir

MADE = 2  # photos made in code on each side: few, the model is slow on two cores


def corpus() -> Path | None:
    """The shared real-camera photos, when this machine has them."""
    folder = exif_samples_dir()
    return folder if folder.is_dir() else None


@pytest.fixture(scope="module")
def built(lively_onnx: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `python -m classifier build` adds after the export, on a copy of the lively model."""
    model = tmp_path_factory.mktemp("built") / lively_onnx.name
    shutil.copy(lively_onnx, model)
    shutil.copy(manifest_path(lively_onnx), manifest_path(model))
    manifest = add_int8_variant(model, corpus(), made=MADE)
    assert manifest == read_manifest(model)  # what it returns is what it wrote
    return model


@pytest.mark.model
def test_the_variant_is_listed_with_its_checksum_and_fidelity(built: Path, tmp_path: Path) -> None:
    manifest = read_manifest(built)
    int8 = manifest.variants["int8"]
    assert (int8.file, int8.backends) == ("yolov8s-worldv2-lively-int8.onnx", ("onnx",))
    assert sha256_of(int8_path(built)) == int8.sha256
    assert manifest.onnx_sha256 == sha256_of(built)  # fp32 untouched
    _, held_out = split_photos(corpus(), tmp_path, MADE)
    assert int8.fidelity is not None and int8.fidelity.photos == len(held_out)
    # The recorded figures are what serving each file on the held-out photos gives.
    config = ModelConfig(weights=built, device="cpu", sha256=None)
    found = {
        precision: [
            load_onnx_detector(dataclasses.replace(config, precision=precision))
            .detect(_open(photo))
            .detections
            for photo in held_out
        ]
        for precision in ("fp32", "int8")
    }
    again = fidelity(found["fp32"], found["int8"])
    assert again.f1 == pytest.approx(int8.fidelity.f1)
    assert again.mean_abs_score_diff == pytest.approx(int8.fidelity.mean_abs_score_diff, abs=1e-6)


@pytest.mark.model
def test_the_scores_stay_in_float(built: Path) -> None:
    # Boxes (0..640) and scores (0..1) leave in one tensor: one uint8 range for
    # both would round every score to zero.
    graph = onnx.load(int8_path(built)).graph
    ops = {node.output[0]: node.op_type for node in graph.node}
    [last] = [node for node in graph.node if node.output[0] == graph.output[0].name]
    assert last.op_type == "Concat"
    assert "DequantizeLinear" not in {ops.get(name) for name in last.input}
    assert sum(op == "QuantizeLinear" for op in ops.values()) > 50  # the rest is int8


@pytest.mark.model
def test_a_tampered_build_is_refused(built: Path, tmp_path: Path) -> None:
    for file in (built, manifest_path(built)):
        os.link(file, tmp_path / file.name)
    int8 = tmp_path / read_manifest(built).variants["int8"].file
    data = int8_path(built).read_bytes()
    int8.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # a new file: the link is left alone
    config = ModelConfig(weights=tmp_path / built.name, device="cpu", sha256=None)
    with pytest.raises(ModelError, match=r"Checksum mismatch for .*the model's int8 variant"):
        load_onnx_detector(dataclasses.replace(config, precision="int8"))


def test_a_failed_int8_build_leaves_the_fp32_model_as_it_was(
    lively_onnx: Path, tmp_path: Path
) -> None:
    model = tmp_path / "model" / "m.onnx"
    model.parent.mkdir()
    os.link(lively_onnx, model)
    shutil.copy(manifest_path(lively_onnx), manifest_path(model))
    before = manifest_path(model).read_bytes()
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="no photos"):
        add_int8_variant(model, tmp_path / "empty")
    assert manifest_path(model).read_bytes() == before
    assert sorted(p.name for p in model.parent.iterdir()) == ["m.json", "m.onnx"]


def test_calibration_and_held_out_photos_never_meet(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    (folder / "deeper").mkdir(parents=True)
    for index, name in enumerate(["a.jpg", "b.JPEG", "deeper/c.png", "d.webp", "e.jpg"]):
        blobs(index, (64, 48)).save(folder / name)
    (folder / "notes.txt").write_text("not a photo")
    calibration, held_out = split_photos(folder, tmp_path, made=3)
    assert not set(calibration) & set(held_out)
    everything = [*calibration, *held_out]
    mine = sorted(p.relative_to(folder).as_posix() for p in everything if folder in p.parents)
    assert mine == ["a.jpg", "b.JPEG", "d.webp", "deeper/c.png", "e.jpg"]
    made = [p.read_bytes() for p in everything if p.parent == tmp_path]
    assert len(made) == len(set(made)) == 6  # six different pictures


def _open(path: Path) -> "Image.Image":
    """The photo, loaded, its file closed."""
    with Image.open(path) as image:
        image.load()
        return image.copy()
