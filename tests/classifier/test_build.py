"""python -m classifier build, and serving its output without torch."""

import json
from pathlib import Path

import pytest
from PIL import Image

from classifier import ModelError
from classifier.build import build_onnx
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
    assert built.stdout.split("sha256 ")[1].strip() == manifest["onnx_sha256"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["tiny.json", "tiny.onnx"]

    # The worker's path: load the ONNX model and detect, and torch never loads.
    image = tmp_path / "photo.png"
    photo.save(image)
    code = (
        "import sys, json; from PIL import Image; import classifier; "
        "d = classifier.load_detector(classifier.ModelConfig.from_env()); "
        f"run = d.detect(Image.open({str(image)!r})); "
        "print(json.dumps([run.device, list(run.classes), 'torch' in sys.modules]))"
    )
    settings = {
        "BIRDAI_MODEL_BACKEND": "onnx",
        "BIRDAI_MODEL_WEIGHTS": str(out),
        "BIRDAI_MODEL_CLASSES": "squirrel,bird",
        "BIRDAI_MODEL_DEVICE": "cpu",
    }
    served = run("-c", code, env=settings)
    assert served.returncode == 0, served.stderr
    assert json.loads(served.stdout) == ["cpu", ["squirrel", "bird"], False]


def test_build_without_weights_says_how_to_get_them(tmp_path: Path) -> None:
    out = tmp_path / "model.onnx"
    result = run(
        "-m", "classifier", "build", "--weights", str(tmp_path / "none.pt"), "--out", str(out)
    )  # fmt: skip
    assert result.returncode == 1
    assert "fetch-weights" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing half-built left behind


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
