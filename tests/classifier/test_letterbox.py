"""Letterboxing and post-processing, checked against ultralytics' and torchvision's own code."""

import numpy as np
import pytest
import torch
import torchvision

from classifier.letterbox import Fit, fit, input_shape, to_original, to_tensor
from classifier.loading import import_yolo_world
from classifier.postprocess import nms, select


def ultralytics_letterbox():  # type: ignore[no-untyped-def]
    # Import ultralytics the way the classifier does: a bare import would
    # replace PIL.Image.open for every later test in this process.
    import_yolo_world()
    from ultralytics.data.augment import LetterBox

    return LetterBox


@pytest.mark.parametrize(
    "size", [(800, 450), (450, 800), (4032, 3024), (640, 640), (777, 333), (1, 1), (3000, 1)]
)
def test_same_input_pixels_as_ultralytics(size: tuple[int, int]) -> None:
    width, height = size
    rgb = np.random.default_rng(width).integers(0, 256, size=(height, width, 3), dtype=np.uint8)
    tensor, [place] = to_tensor([rgb], 640)
    # Ultralytics' predictor: LetterBox on BGR (auto = minimum rectangle), then RGB, /255.
    bgr = np.ascontiguousarray(rgb[:, :, ::-1])
    boxed = ultralytics_letterbox()(640, auto=True, stride=32)(image=bgr)[:, :, ::-1]
    expected = boxed.transpose(2, 0, 1)[None].astype(np.float32) / 255
    assert tensor.shape == expected.shape
    assert np.array_equal(tensor, expected)
    assert (place.width, place.height) == size


def test_rectangular_inputs_save_work() -> None:
    assert input_shape([(4032, 3024)], 640) == (480, 640)  # 4:3 phone photo, not 640x640
    assert input_shape([(1920, 1080)], 640) == (384, 640)  # 16:9: 360 rounded up to 32s
    assert input_shape([(1080, 1920), (4032, 3024)], 640) == (640, 640)  # a batch: the largest


def test_boxes_map_back_to_original_pixels() -> None:
    place = fit(800, 450, 640, (384, 640))
    assert place == Fit(800, 450, 640, 360, 0, 12)
    boxes = np.array([[0, 12, 640, 372], [320, 192, 330, 202], [-5, 0, 700, 400]], np.float32)
    mapped = to_original(boxes, place)
    assert mapped[0].tolist() == [0, 0, 800, 450]  # the whole picture, padding removed
    assert mapped[1].tolist() == pytest.approx([400, 225, 412.5, 237.5])
    assert mapped[2].tolist() == [0, 0, 800, 450]  # clipped to the image


def test_nms_matches_torchvision() -> None:
    rng = np.random.default_rng(0)
    corners = rng.uniform(0, 600, size=(500, 2)).astype(np.float32)
    boxes = np.concatenate((corners, corners + rng.uniform(5, 200, size=(500, 2))), axis=1)
    boxes = boxes.astype(np.float32)
    scores = rng.uniform(0, 1, size=500).astype(np.float32)
    expected = torchvision.ops.nms(torch.from_numpy(boxes), torch.from_numpy(scores), 0.5)
    assert nms(boxes, scores, 0.5, 1000).tolist() == expected.tolist()
    assert nms(boxes, scores, 0.5, 7).tolist() == expected[:7].tolist()


def centred(x: float, y: float, w: float, h: float, *scores: float) -> list[float]:
    return [x, y, w, h, *scores]


def test_select_keeps_the_best_of_overlapping_boxes_per_class() -> None:
    rows = [
        centred(50, 50, 20, 20, 0.9, 0.1),  # class 0
        centred(51, 50, 20, 20, 0.8, 0.1),  # class 0 again, overlaps: dropped
        centred(50, 50, 20, 20, 0.1, 0.7),  # class 1 in the same place: kept
        centred(200, 200, 10, 10, 0.3, 0.0),  # exactly at the threshold: dropped (>, not >=)
    ]
    output = np.array(rows, dtype=np.float32).T  # (4 + classes, anchors), as the model gives
    boxes, scores, classes = select(output, confidence=np.float32(0.3))
    assert classes.tolist() == [0, 1]
    assert scores.tolist() == pytest.approx([0.9, 0.7])
    assert boxes[0].tolist() == [40, 40, 60, 60]


def test_select_with_nothing_above_threshold() -> None:
    output = np.array([centred(5, 5, 2, 2, 0.01)], dtype=np.float32).T
    boxes, scores, classes = select(output, 0.25)
    assert boxes.shape == (0, 4) and scores.size == 0 and classes.size == 0
