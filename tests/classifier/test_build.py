"""python -m classifier build, and serving its output without torch."""

import json
from pathlib import Path

import pytest
from PIL import Image

from classifier import ModelError
from classifier.build import build_onnx
from classifier.weights import sha256_of
from tests.conftest import CLASSES
from tests.conftest import run_python as run


def test_build_untrained_then_serve_without_torch(tmp_path: Path, photo: Image.Image) -> None:
    out = tmp_path / "models" / "tiny.onnx"
    built = run(
        "-m", "classifier", "build", "--untrained", "--arch", "yolov8s-worldv2.yaml",
        "--classes", "squirrel,bird", "--out", str(out),
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    manifest = json.loads(out.with_suffix(".json").read_text())
    assert manifest["classes"] == ["squirrel", "bird"]
    assert manifest["untrained"] is True
    assert built.stdout.split("sha256 ")[1].split()[0] == manifest["onnx_sha256"]
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "tiny-int8.onnx",
        "tiny.json",
        "tiny.onnx",
    ]
    # Beside it, an int8 variant measured against fp32. Untrained, the network scores
    # every box about 5e-5: neither finds anything, so they agree perfectly, which
    # proves nothing: on 0 boxes the gate refuses it, and auto serves fp32.
    int8 = manifest["variants"]["int8"]
    assert int8["file"] == "tiny-int8.onnx"
    assert int8["sha256"] == sha256_of(out.with_name("tiny-int8.onnx"))
    assert int8["fidelity"] == {"f1": 1.0, "mean_abs_score_diff": 0.0, "photos": 8, "boxes": 0}
    assert "box F1 1.000 and mean score difference 0.0000 on 8 held-out" in built.stdout
    assert "0 boxes of fp32's (too few to pass the gate)" in built.stdout

    # The worker's path: load the ONNX model and detect, and torch never loads.
    image = tmp_path / "photo.png"
    photo.save(image)
    code = (
        "import sys, json; from PIL import Image; import classifier; "
        "d = classifier.load_detector(classifier.ModelConfig.from_env()); "
        f"run = d.detect(Image.open({str(image)!r})); "
        "print(json.dumps([run.device, list(run.classes), 'torch' in sys.modules, "
        "d.describe()['precision']]))"
    )
    settings = {
        "BIRDAI_MODEL_BACKEND": "onnx",
        "BIRDAI_MODEL_WEIGHTS": str(out),
        "BIRDAI_MODEL_CLASSES": "squirrel,bird",
        "BIRDAI_MODEL_DEVICE": "cpu",
    }
    served = run("-c", code, env=settings)
    assert served.returncode == 0, served.stderr
    expected = ["cpu", ["squirrel", "bird"], False, "fp32"]
    assert json.loads(served.stdout) == expected


def test_build_without_weights_says_how_to_get_them(tmp_path: Path) -> None:
    out = tmp_path / "model.onnx"
    result = run(
        "-m", "classifier", "build", "--weights", str(tmp_path / "none.pt"), "--out", str(out)
    )  # fmt: skip
    assert result.returncode == 1
    assert "fetch-weights" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing half-built left behind


def test_a_calibration_folder_that_is_not_there_fails_first(tmp_path: Path) -> None:
    out = tmp_path / "model.onnx"
    result = run(
        "-m", "classifier", "build", "--untrained", "--out", str(out),
        "--calibration", str(tmp_path / "photos"),
    )  # fmt: skip
    assert (result.returncode, result.stderr.strip()) == (
        1,
        f"error: --calibration {tmp_path / 'photos'} is not a folder of photos",
    )
    assert list(tmp_path.iterdir()) == []  # refused before building anything


def test_other_classes_need_clip(untrained_weights: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="CLIP"):
        build_onnx(untrained_weights, ("red fox",), tmp_path / "fox.onnx")
    assert list(tmp_path.iterdir()) == []


def test_missing_export_packages_are_named(
    untrained_weights: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "onnxslim" else real(name)
    )
    with pytest.raises(ModelError, match="needs the packages onnxslim"):
        build_onnx(untrained_weights, CLASSES, tmp_path / "model.onnx")
