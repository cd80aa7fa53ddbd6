"""Fidelity to fp32: box-level F1 at IoU 0.5 and the score drift of the matched pairs."""

import pytest

from classifier import Box, Detection
from classifier.fidelity import Fidelity, box_iou, fidelity, match


def found(label: str, score: float, x1: float, y1: float, x2: float, y2: float) -> Detection:
    return Detection(label, score, Box(x1, y1, x2, y2))


SQUIRREL = found("squirrel", 0.90, 0, 0, 100, 100)
BIRD = found("bird", 0.80, 200, 200, 260, 260)


def test_the_same_detections_are_perfectly_faithful() -> None:
    photos = [[SQUIRREL, BIRD], [BIRD]]
    assert fidelity(photos, photos) == Fidelity(1.0, 0.0, photos=2, boxes=3)


def test_photos_where_both_find_nothing_count_as_agreeing_but_prove_nothing() -> None:
    nothing = fidelity([[], []], [[], []])
    assert nothing == Fidelity(f1=1.0, mean_abs_score_diff=0.0, photos=2, boxes=0)
    assert not nothing.conclusive  # an untrained model's "perfect" score
    # ...and weigh nothing against the boxes of the other photos.
    assert fidelity([[], [SQUIRREL]], [[], []]).f1 == 0.0


def test_boxes_match_down_to_iou_one_half() -> None:
    top_half = found("squirrel", 0.85, 0, 0, 100, 50)  # half SQUIRREL's box: IoU exactly 0.5
    assert box_iou(SQUIRREL.box, top_half.box) == 0.5
    assert fidelity([[SQUIRREL]], [[top_half]]).f1 == 1.0
    less = found("squirrel", 0.85, 0, 0, 100, 49)  # IoU 0.49
    assert fidelity([[SQUIRREL]], [[less]]).f1 == 0.0


def test_boxes_of_another_class_never_match() -> None:
    cat = found("cat", 0.90, 0, 0, 100, 100)  # SQUIRREL's very box, another label
    result = fidelity([[SQUIRREL]], [[cat]])
    assert (result.f1, result.mean_abs_score_diff) == (0.0, 0.0)


def test_f1_pools_precision_and_recall_over_the_photos() -> None:
    extra = found("dog", 0.30, 400, 0, 500, 80)  # the variant finds one box fp32 did not
    reference = [[SQUIRREL, BIRD], [BIRD], [SQUIRREL]]
    variant = [[SQUIRREL, BIRD, extra], [], [SQUIRREL]]  # ...and misses one
    # True positives 3; precision 3/4, recall 3/4: F1 = 2*3 / (4 + 4).
    assert fidelity(reference, variant).f1 == pytest.approx(0.75)
    # Against a reference with no boxes, everything the variant finds is wrong.
    assert fidelity([[]], [[SQUIRREL]]).f1 == 0.0


def test_mean_score_difference_is_over_matched_pairs_only() -> None:
    lower = found("squirrel", 0.80, 1, 1, 101, 101)  # 0.10 below SQUIRREL
    higher = found("bird", 0.83, 200, 200, 260, 260)  # 0.03 above BIRD
    unmatched = found("dog", 0.10, 400, 0, 500, 80)  # no partner: no score difference
    result = fidelity([[SQUIRREL, BIRD]], [[lower, higher, unmatched]])
    assert result.mean_abs_score_diff == pytest.approx((0.10 + 0.03) / 2)
    assert result.f1 == pytest.approx(2 * 2 / 5)


def test_matching_is_one_to_one_highest_score_first() -> None:
    # Two variant boxes overlap the one fp32 box; the higher-scoring one takes it,
    # though the other overlaps it more, and the other is left unmatched.
    strong = found("squirrel", 0.95, 10, 0, 110, 100)  # IoU 0.82
    weak = found("squirrel", 0.40, 0, 0, 100, 100)  # IoU 1.0
    assert match([SQUIRREL], [weak, strong]) == [(SQUIRREL, strong)]
    result = fidelity([[SQUIRREL]], [[weak, strong]])
    assert result.f1 == pytest.approx(2 / 3)
    assert result.mean_abs_score_diff == pytest.approx(0.05)


def test_each_detection_takes_the_free_box_it_overlaps_most() -> None:
    first = found("bird", 0.7, 0, 0, 100, 100)
    second = found("bird", 0.6, 20, 0, 120, 100)
    between = found("bird", 0.9, 18, 0, 118, 100)  # IoU 0.69 with `first`, 0.96 with `second`
    assert match([first, second], [between]) == [(second, between)]
    # Once `second` is taken, the next one settles for `first`, at IoU 0.67.
    also = found("bird", 0.5, 20, 0, 120, 100)
    assert match([first, second], [between, also]) == [(second, between), (first, also)]


def test_box_iou() -> None:
    assert box_iou(SQUIRREL.box, SQUIRREL.box) == 1.0
    assert box_iou(SQUIRREL.box, BIRD.box) == 0.0
    assert box_iou(SQUIRREL.box, Box(50, 0, 150, 100)) == pytest.approx(50 / 150)
    assert box_iou(Box(5, 5, 5, 5), Box(5, 5, 5, 5)) == 0.0  # no area: no overlap to speak of


def test_the_two_sides_must_cover_the_same_photos() -> None:
    with pytest.raises(ValueError, match="same photos"):
        fidelity([[SQUIRREL], []], [[SQUIRREL]])
    with pytest.raises(ValueError, match="at least one photo"):
        fidelity([], [])
