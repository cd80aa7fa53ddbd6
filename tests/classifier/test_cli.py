"""The command line and the import boundary, each in a fresh Python process."""

import json
from pathlib import Path

from PIL import Image

from tests.conftest import run_python as run


def test_import_classifier_does_not_load_torch() -> None:
    # The web tier imports the result types; it must not pay for torch.
    heavy = "{'torch', 'ultralytics', 'onnxruntime', 'cv2'}"
    code = f"import sys, classifier; print(sorted({heavy} & set(sys.modules)))"
    result = run("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_make_untrained_then_detect(tmp_path: Path, photo: Image.Image) -> None:
    weights = tmp_path / "tiny.pt"
    made = run(
        "-m", "classifier", "make-untrained", "--arch", "yolov8s-worldv2.yaml",
        "--classes", "squirrel,bird", "--out", str(weights), "--seed", "1",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    digest = made.stdout.split("sha256 ")[1].strip()
    assert len(digest) == 64

    image = tmp_path / "photo.png"
    photo.save(image)
    settings = {
        "BIRDAI_MODEL_WEIGHTS": str(weights),
        "BIRDAI_MODEL_SHA256": digest,
        "BIRDAI_MODEL_CLASSES": "squirrel,bird",
        "BIRDAI_MODEL_DEVICE": "cpu",
        "BIRDAI_MODEL_CONFIDENCE": "0.00001",
    }
    found = run("-m", "classifier", "detect", str(image), str(image), env=settings)
    assert found.returncode == 0, found.stderr
    lines = [json.loads(line) for line in found.stdout.splitlines()]
    assert len(lines) == 2
    assert lines[0]["image"] == str(image)
    assert lines[0]["classes"] == ["squirrel", "bird"]
    assert lines[0]["detections"][0]["label"] in ("squirrel", "bird")
    assert set(lines[0]["detections"][0]["box"]) == {"x1", "y1", "x2", "y2"}


def test_a_lively_untrained_model_scores_by_the_image(tmp_path: Path, photo: Image.Image) -> None:
    # A plain untrained model scores every box about 5e-5; a lively one spreads its
    # scores, so benchmarks can compare precisions box for box.
    weights = tmp_path / "lively.pt"
    made = run(
        "-m", "classifier", "make-untrained", "--arch", "yolov8s-worldv2.yaml",
        "--out", str(weights), "--lively",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    image = tmp_path / "photo.png"
    photo.save(image)
    settings = {
        "BIRDAI_MODEL_WEIGHTS": str(weights),
        "BIRDAI_MODEL_SHA256": "skip",
        "BIRDAI_MODEL_DEVICE": "cpu",
        "BIRDAI_MODEL_CONFIDENCE": "0.01",
    }
    found = run("-m", "classifier", "detect", str(image), env=settings)
    assert found.returncode == 0, found.stderr
    scores = [d["confidence"] for d in json.loads(found.stdout)["detections"]]
    assert scores and max(scores) > 0.1


def test_detect_without_weights_explains(tmp_path: Path) -> None:
    result = run(
        "-m", "classifier", "detect", "photo.jpg",
        env={"BIRDAI_MODEL_WEIGHTS": str(tmp_path / "none.pt"), "BIRDAI_MODEL_SHA256": "skip"},
    )  # fmt: skip
    assert result.returncode == 1
    assert "fetch-weights" in result.stderr
    assert "Traceback" not in result.stderr


def test_fetch_weights_from_nowhere_fails_cleanly(tmp_path: Path) -> None:
    dest = tmp_path / "models" / "model.pt"
    result = run(
        "-m", "classifier", "fetch-weights", "--url", "http://127.0.0.1:9/x.pt",
        "--dest", str(dest),
    )  # fmt: skip
    assert result.returncode == 1
    assert "Could not download http://127.0.0.1:9/x.pt" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(dest.parent.iterdir()) == []  # no temporary file left behind
