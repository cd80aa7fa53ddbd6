"""mAP50 and recall against labelled boxes (the metric), and `classifier evaluate` end to end.

The metric's figures are worked out by hand below. The command runs the small
untrained model, which finds nothing: its mAP of 0.0 is the honest answer, and
these tests check the shape of what it says, never how accurate a model is.
"""

import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageOps

from classifier import Box, Detection, ModelConfig, load_detector
from classifier.__main__ import main
from classifier.evaluation import Truth, average_precision, evaluate
from classifier.fidelity import Fidelity
from classifier.labelled import ORIENTATION
from classifier.manifest import Variant, read_manifest, write_manifest
from classifier.weights import sha256_of
from tests.classifier.compare import noise
from tests.conftest import CLASSES as CLASSES_OF_THE_MODEL
from tests.conftest import run_python as run

CLASSES = ("squirrel", "bird", "dog")
SQUIRREL = Truth("squirrel", Box(0, 0, 100, 100))
OTHER_SQUIRREL = Truth("squirrel", Box(300, 300, 400, 400))
BIRD = Truth("bird", Box(200, 200, 260, 260))


def found(label: str, score: float, box: Box) -> Detection:
    return Detection(label, score, box)


def score(*args, **kwargs):  # mAP at the default serving threshold
    return evaluate(*args, classes=CLASSES, threshold=0.25, **kwargs)


def test_finding_every_box_first_is_perfect() -> None:
    truths = [[SQUIRREL, BIRD], [OTHER_SQUIRREL]]
    result = score(
        truths,
        [[found("squirrel", 0.9, SQUIRREL.box), found("bird", 0.6, BIRD.box)],
         [found("squirrel", 0.8, OTHER_SQUIRREL.box)]],
    )  # fmt: skip
    assert result.map50 == pytest.approx(1.0)
    assert [(c.label, c.boxes, c.recall) for c in result.classes] == [
        ("squirrel", 2, 1.0),
        ("bird", 1, 1.0),
    ]  # no dog was labelled: it has no AP, and is not in the mean
    assert (result.photos, result.threshold) == (2, 0.25)


def test_a_false_positive_ranked_first_halves_precision_everywhere() -> None:
    wrong = found("squirrel", 0.95, Box(500, 500, 600, 600))  # nothing labelled there
    right = found("squirrel", 0.90, SQUIRREL.box)
    # Ranks: 1 wrong (precision 0, recall 0), 2 right (precision 1/2, recall 1). The
    # precision at each recall point is the best at that recall or beyond: 1/2 at all 101.
    assert average_precision([(0.95, False), (0.90, True)], boxes=1) == pytest.approx(0.5)
    assert score([[SQUIRREL]], [[wrong, right]]).map50 == pytest.approx(0.5)
    # Ranked last instead, it costs nothing: recall 1 was reached at precision 1.
    assert score([[SQUIRREL]], [[found("squirrel", 0.1, wrong.box), right]]).map50 == (
        pytest.approx(1.0)
    )


def test_a_missed_box_scores_the_recall_points_never_reached_as_zero() -> None:
    result = score([[SQUIRREL, OTHER_SQUIRREL]], [[found("squirrel", 0.9, SQUIRREL.box)]])
    # Recall reaches 1/2 at precision 1: the points 0.00 ... 0.50 (51 of 101) score 1.
    assert result.map50 == pytest.approx(51 / 101)
    assert result.classes[0].recall == 0.5


def test_two_classes_average_and_recall_counts_only_what_the_worker_keeps() -> None:
    truths = [[SQUIRREL, BIRD], [BIRD]]
    detections = [
        [found("squirrel", 0.9, SQUIRREL.box), found("bird", 0.1, BIRD.box)],  # under 0.25
        [found("bird", 0.8, Box(0, 0, 10, 10))],  # far from the labelled bird
    ]
    result = score(truths, detections)
    # squirrel: AP 1. bird: ranks 0.8 wrong, 0.1 right (precision 1/2 at recall 1/2);
    # points 0.00 ... 0.50 at 1/2, the rest never reached: 51 / 101 / 2.
    squirrel, bird = result.classes
    assert (squirrel.ap50, bird.ap50) == (pytest.approx(1.0), pytest.approx(51 / 101 / 2))
    assert result.map50 == pytest.approx((1 + 51 / 101 / 2) / 2)
    # The bird found at 0.1 helps the curve, but the worker (at 0.25) never shows it.
    assert (squirrel.recall, bird.recall) == (1.0, 0.0)


def test_a_box_matches_only_its_own_class_once_at_iou_one_half() -> None:
    half = Box(0, 0, 100, 50)  # half SQUIRREL's box: IoU exactly 0.5 counts
    twice = [found("squirrel", 0.9, half), found("squirrel", 0.8, SQUIRREL.box)]
    # The first takes the box; the second (a better overlap, a lower score) is a duplicate.
    assert score([[SQUIRREL]], [twice]).map50 == pytest.approx(1.0)
    assert average_precision([(0.9, True), (0.8, False)], boxes=1) == pytest.approx(1.0)
    assert score([[SQUIRREL]], [[found("squirrel", 0.9, Box(0, 0, 100, 49))]]).map50 == 0.0
    assert score([[SQUIRREL]], [[found("bird", 0.9, SQUIRREL.box)]]).map50 == 0.0


def test_crowd_regions_are_neither_to_be_found_nor_wrong_to_find() -> None:
    crowd = Truth("bird", Box(0, 0, 400, 400), crowd=True)
    inside = found("bird", 0.95, Box(10, 10, 50, 50))  # all of it in the crowd region
    result = score([[crowd, BIRD]], [[inside, found("bird", 0.9, BIRD.box)]])
    assert [(c.label, c.boxes) for c in result.classes] == [("bird", 1)]
    assert result.map50 == pytest.approx(1.0)  # not a false positive ranked first
    only_crowds = score([[crowd]], [[inside]])
    assert (only_crowds.classes, only_crowds.map50) == ((), 0.0)


def test_nothing_found_scores_zero_and_the_photos_must_line_up() -> None:
    result = score([[SQUIRREL], [BIRD]], [[], []])
    assert result.map50 == 0.0
    assert [(c.ap50, c.recall) for c in result.classes] == [(0.0, 0.0), (0.0, 0.0)]
    with pytest.raises(ValueError, match="2 labelled photos but detections for 1"):
        score([[SQUIRREL], [BIRD]], [[]])


# The command, end to end.


def photo_file(
    folder: Path, name: str, size: tuple[int, int], seed: int, turned: bool = False
) -> Path:
    """A photo of noise; `turned`: stored sideways, with EXIF saying to turn it upright."""
    image = noise(*size, seed=seed)
    path = folder / name
    if turned:  # Orientation 6: the stored pixels are the upright photo turned a quarter left
        exif = Image.Exif()
        exif[ORIENTATION] = 6
        image.transpose(Image.Transpose.ROTATE_90).save(path, exif=exif, quality=95)
    else:
        image.save(path)
    return path


def coco(
    photos: list[tuple[str, tuple[int, int]]],
    boxes: list[tuple[int, str, list[float]]],
    names: tuple[str, ...] = ("squirrel", "Bird", "dog"),
) -> dict[str, Any]:
    """A COCO labelled set: photos (file name, upright size), boxes (photo index, class, bbox)."""
    categories = [{"id": 10 + i, "name": name} for i, name in enumerate(names)]
    by_name = {name.lower(): 10 + i for i, name in enumerate(names)}
    return {
        "images": [
            {"id": i + 1, "file_name": name, "width": size[0], "height": size[1]}
            for i, (name, size) in enumerate(photos)
        ],
        "annotations": [
            {"id": i + 1, "image_id": photo + 1, "category_id": by_name[label], "bbox": bbox}
            for i, (photo, label, bbox) in enumerate(boxes)
        ],
        "categories": categories,
    }


def write_set(folder: Path, labelled: dict[str, Any]) -> Path:
    path = folder / "labels.json"
    path.write_text(json.dumps(labelled))
    return path


def model_env(onnx: Path, confidence: str = "0.25") -> dict[str, str]:
    return {
        "BIRDAI_MODEL_WEIGHTS": str(onnx),
        "BIRDAI_MODEL_CLASSES": ",".join(CLASSES_OF_THE_MODEL),
        "BIRDAI_MODEL_DEVICE": "cpu",
        "BIRDAI_MODEL_CONFIDENCE": confidence,
    }


def evaluate_cli(annotations: Path, *args: str, env: dict[str, str]) -> dict[str, Any]:
    result = run("-m", "classifier", "evaluate", "--annotations", str(annotations), *args, env=env)
    assert result.returncode == 0, result.stderr
    *table, last = result.stdout.splitlines()
    return {"table": table, "json": json.loads(last), "stderr": result.stderr}


@pytest.mark.model
def test_evaluate_prints_a_table_and_one_json_line(untrained_onnx: Path, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    photo_file(photos, "a.png", (640, 480), seed=1)
    photo_file(photos, "b.jpg", (480, 640), seed=2, turned=True)  # 480×640 once upright
    photo_file(photos, "c.jpg", (800, 450), seed=3)
    labelled = coco(
        [("a.png", (640, 480)), ("b.jpg", (480, 640)), ("c.jpg", (800, 450))],
        [(0, "squirrel", [10, 20, 200, 150]), (1, "bird", [50, 60, 100, 80]),
         (1, "squirrel", [300, 400, 90, 120]), (2, "bird", [0, 0, 30, 40])],
    )  # fmt: skip
    annotations = write_set(tmp_path, labelled)  # its photos in another folder: --images
    out = evaluate_cli(annotations, "--images", str(photos), env=model_env(untrained_onnx))
    # The untrained model finds nothing: 0 is the honest figure, whatever the labels.
    assert out["json"] == {
        "annotations": str(annotations),
        "model": untrained_onnx.stem,
        "backend": "onnx",
        "precision": "fp32",
        "untrained": True,
        "photos": 3,
        "threshold": 0.25,
        "map50": 0.0,
        "classes": {
            "squirrel": {"boxes": 2, "ap50": 0.0, "recall": 0.0},
            "bird": {"boxes": 2, "ap50": 0.0, "recall": 0.0},  # "Bird" in the set
        },  # no dog was labelled: no AP, not in the mean
    }
    header, columns, *rows, mean = out["table"]
    assert header.startswith(f"{untrained_onnx.stem} (onnx) on 3 photos, in fp32: ")
    assert columns.split() == ["class", "boxes", "AP50", "recall@0.25"]
    assert [row.split() for row in rows] == [
        ["squirrel", "2", "0.000", "0.000"],
        ["bird", "2", "0.000", "0.000"],
    ]
    assert mean.split()[:2] == ["mAP50", "0.000"]
    assert "Untrained weights: these figures say nothing about accuracy." in out["stderr"]


@pytest.mark.model
def test_evaluate_scores_the_models_own_boxes_as_perfect(lively_onnx: Path, tmp_path: Path) -> None:
    # Not accuracy: labels copied from what the model itself finds prove that the
    # command's photos (upright), boxes ([x, y, w, h]) and metric line up end to end.
    path = photo_file(tmp_path, "turned.jpg", (640, 480), seed=4, turned=True)
    config = ModelConfig(weights=lively_onnx, device="cpu", sha256=None, confidence=0.01)
    with Image.open(path) as stored:
        upright = ImageOps.exif_transpose(stored)
        assert upright.size == (640, 480)
        best = load_detector(config).detect(upright).detections[0]  # the highest score
    x1, y1, x2, y2 = best.box.x1, best.box.y1, best.box.x2, best.box.y2
    labelled = coco([("turned.jpg", (640, 480))], [(0, best.label, [x1, y1, x2 - x1, y2 - y1])],
                    names=CLASSES_OF_THE_MODEL)  # fmt: skip
    env = {**model_env(lively_onnx, confidence="0.01"), "BIRDAI_MODEL_SHA256": "skip"}
    out = evaluate_cli(write_set(tmp_path, labelled), "--min-score", "0.01", env=env)
    assert out["json"]["map50"] == pytest.approx(1.0)
    assert out["json"]["classes"] == {best.label: {"boxes": 1, "ap50": out["json"]["map50"],
                                                   "recall": 1.0}}  # fmt: skip


@pytest.mark.model
def test_evaluate_runs_any_variant_the_manifest_lists(untrained_onnx: Path, tmp_path: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    onnx = tmp_path / untrained_onnx.name
    shutil.copy(untrained_onnx, onnx)
    int8 = onnx.with_name(f"{onnx.stem}-int8.onnx")
    quantize_dynamic(untrained_onnx, int8, weight_type=QuantType.QUInt8)  # quick to make
    variant = Variant(int8.name, sha256_of(int8), ("onnx",), Fidelity(1.0, 0.0, 8, 0))
    manifest = dataclasses.replace(read_manifest(untrained_onnx), variants={"int8": variant})
    write_manifest(onnx, manifest)
    photo_file(tmp_path, "a.png", (320, 240), seed=5)
    annotations = write_set(tmp_path, coco([("a.png", (320, 240))], [(0, "dog", [1, 2, 30, 40])]))
    env = model_env(onnx)
    # The gate refuses it (fidelity measured on no boxes), so auto serves fp32...
    assert evaluate_cli(annotations, env=env)["json"]["precision"] == "fp32"
    # ...but forced, the int8 file is what runs.
    forced = evaluate_cli(annotations, "--precision", "int8", env=env)
    assert (forced["json"]["precision"], forced["json"]["map50"]) == ("int8", 0.0)
    assert "int8: forced" in forced["table"][0]
    refused = run("-m", "classifier", "evaluate", "--annotations", str(annotations),
                  "--precision", "bf16", env=env)  # fmt: skip
    assert refused.returncode == 1
    assert "the model has no bf16 variant" in refused.stderr
    assert "Traceback" not in refused.stderr


# Refusals: each says what is wrong, exits 1, before any model is loaded.


@pytest.fixture
def labelled_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One photo with one squirrel, its file beside the annotations; no model anywhere.

    A set that passes every check gets as far as loading the model, which fails.
    """
    monkeypatch.setenv("BIRDAI_MODEL_WEIGHTS", str(tmp_path / "no-model.onnx"))
    photo_file(tmp_path, "a.png", (320, 240), seed=6)
    return write_set(tmp_path, coco([("a.png", (320, 240))], [(0, "squirrel", [1, 2, 30, 40])]))


def refused(annotations: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["evaluate", "--annotations", str(annotations), *args]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err  # one line, no traceback
    return err


def edit(annotations: Path, change: Callable[[dict[str, Any]], object]) -> Path:
    labelled = json.loads(annotations.read_text())
    change(labelled)
    return write_set(annotations.parent, labelled)


def test_a_missing_or_broken_annotations_file_is_refused(
    labelled_set: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "No annotations file" in refused(tmp_path / "none.json", capsys=capsys)
    labelled_set.write_text('{"images": [')
    assert "is not JSON" in refused(labelled_set, capsys=capsys)
    labelled_set.write_text("[]")
    assert "the top level is not an object" in refused(labelled_set, capsys=capsys)
    labelled_set.write_text('{"images": [], "annotations": [], "categories": []}')
    assert "nothing to evaluate on" in refused(labelled_set, capsys=capsys)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["annotations"][0].pop("bbox"), "a field is missing: 'bbox'"),
        (lambda s: s.pop("categories"), '"categories" must be a list of objects'),
        (lambda s: s["annotations"][0].update(bbox=[1, 2, -3, 4]), "no valid bbox"),
        (lambda s: s["annotations"][0].update(image_id=99), "is on image 99, not in images"),
        (lambda s: s["annotations"][0].update(category_id=99), "category 99, not in categories"),
        (lambda s: s["images"][0].update(width="320"), "has no valid width and height"),
        (lambda s: s["images"].append(dict(s["images"][0])), "image id 1 is there twice"),
    ],
)
def test_a_malformed_set_is_refused(
    labelled_set: Path,
    capsys: pytest.CaptureFixture[str],
    change: Callable[[dict[str, Any]], object],
    message: str,
) -> None:
    assert message in refused(edit(labelled_set, change), capsys=capsys)


def test_boxes_of_a_class_the_model_does_not_know_are_refused(
    labelled_set: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def add_a_car(labelled: dict[str, Any]) -> None:
        labelled["categories"].append({"id": 50, "name": "car"})
        labelled["annotations"].append(
            {"id": 9, "image_id": 1, "category_id": 50, "bbox": [0, 0, 5, 5]}
        )

    cars = edit(labelled_set, lambda s: s["categories"].append({"id": 50, "name": "car"}))
    assert "ONNX model not found" in refused(cars, capsys=capsys)  # no box is a car: fine...
    message = refused(edit(labelled_set, add_a_car), capsys=capsys)
    assert "labels boxes ['car'], which the model does not know" in message  # ...one that is
    assert "it finds ['squirrel', 'bird', 'person', 'dog', 'cat'] and nothing else" in message


def test_a_missing_unreadable_or_mismeasured_photo_is_refused(
    labelled_set: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    assert "No folder" in refused(labelled_set, "--images", str(elsewhere), capsys=capsys)
    elsewhere.mkdir()
    message = refused(labelled_set, "--images", str(elsewhere), capsys=capsys)
    assert f"1 photos of the set are missing: {elsewhere / 'a.png'}" in message
    (elsewhere / "a.png").write_bytes(b"not a photo")
    message = refused(labelled_set, "--images", str(elsewhere), capsys=capsys)
    assert f"Cannot read the photo {elsewhere / 'a.png'}" in message
    photo_file(elsewhere, "a.png", (320, 240), seed=6, turned=True)  # 320×240 once upright
    assert "ONNX model not found" in refused(
        labelled_set, "--images", str(elsewhere), capsys=capsys
    )
    photo_file(tmp_path, "a.png", (240, 320), seed=6)  # 240×320: not what the set says
    message = refused(labelled_set, capsys=capsys)
    assert "is 240×320 upright (after its EXIF orientation" in message
    assert "but the set says image 1 is 320×240" in message
