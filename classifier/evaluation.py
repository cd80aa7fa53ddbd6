"""Accuracy against a labelled set: mAP at IoU 0.5 and recall at the serving threshold.

The same computation as COCO's evaluation (pycocotools) at IoU 0.5, for boxes
of any size: per class, the detections of all photos in order of falling score,
each matched greedily to the unmatched labelled box of its class that it
overlaps most (classifier.fidelity.match), and the precision-recall curve read
at 101 recall points. Crowd regions, as COCO marks them, neither count as boxes
to find nor make a detection on them wrong.

Unlike classifier.fidelity, this measures accuracy: it means something only with
the real weights and photos labelled by people.
"""

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from .detection import Box, Detection
from .fidelity import IOU_MIN, match

# COCO's recall points 0.00, 0.01, ..., 1.00, computed as numpy's linspace does (i × 0.01,
# so 0.35 is 0.35000000000000003): a recall of exactly 35/100 falls just short, as there.
RECALL_POINTS = tuple(i * 0.01 for i in range(101))
MAX_PER_CLASS = 100  # detections of one class in one photo that count, as COCO's maxDets
EPSILON = 2.220446049250313e-16  # np.spacing(1): pycocotools adds it to precision's denominator


@dataclass(frozen=True)
class Truth:
    """One labelled box in a photo."""

    label: str
    box: Box
    crowd: bool = False  # COCO's iscrowd: a region of many, found or not, never wrong


@dataclass(frozen=True)
class ClassScore:
    """One class's figures over the labelled set."""

    label: str
    boxes: int  # labelled boxes of this class (crowd regions not counted)
    ap50: float  # average precision at IoU 0.5, 101-point interpolated
    recall: float  # the share of those boxes found at the serving threshold


@dataclass(frozen=True)
class Evaluation:
    """A model's figures on a labelled set."""

    classes: tuple[ClassScore, ...]  # the classes with labelled boxes, in the model's order
    map50: float  # the mean of their ap50; 0.0 when no class has any box
    threshold: float  # the serving threshold recall was counted at
    photos: int


def evaluate(
    truths: Sequence[Sequence[Truth]],
    found: Sequence[Sequence[Detection]],
    *,
    classes: Sequence[str],
    threshold: float,
    iou_min: float = IOU_MIN,
) -> Evaluation:
    """Score what the model `found` against the `truths`, photo by photo.

    Both list one entry per photo, in the same order. `found` should reach well
    below `threshold` (the curve needs the low scores too, as ultralytics' own
    validation runs at 0.001); recall counts only detections scoring at least
    `threshold`, as the worker keeps them.
    """
    if len(truths) != len(found):
        raise ValueError(f"{len(truths)} labelled photos but detections for {len(found)}")
    scores = []
    for label in classes:
        ranked, boxes = _ranked(label, truths, found, iou_min)
        if boxes:  # a class nobody labelled has no AP (COCO leaves it out of the mean)
            hits = sum(1 for score, hit in ranked if hit and score >= threshold)
            scores.append(ClassScore(label, boxes, average_precision(ranked, boxes), hits / boxes))
    mean = sum(score.ap50 for score in scores) / len(scores) if scores else 0.0
    return Evaluation(tuple(scores), mean, threshold, len(truths))


def average_precision(ranked: Sequence[tuple[float, bool]], boxes: int) -> float:
    """AP of (score, true positive?) detections against `boxes` labelled boxes.

    As pycocotools: precision made non-increasing from the right, then read at
    each of the 101 recall points (0 beyond the highest recall reached).
    """
    ordered = sorted(ranked, key=lambda pair: -pair[0])  # stable: ties keep photo order
    precision, recall, hits = [], [], 0
    for rank, (_, hit) in enumerate(ordered, start=1):
        hits += hit
        precision.append(hits / (rank + EPSILON))
        recall.append(hits / boxes)
    for i in range(len(precision) - 2, -1, -1):
        precision[i] = max(precision[i], precision[i + 1])
    # Recall never falls, so bisect_left finds the first rank reaching each point, as
    # pycocotools' searchsorted(side="left") does; past the end, that recall was never reached.
    reached = (bisect_left(recall, point) for point in RECALL_POINTS)
    return sum(precision[i] if i < len(precision) else 0.0 for i in reached) / len(RECALL_POINTS)


def _ranked(
    label: str,
    truths: Sequence[Sequence[Truth]],
    found: Sequence[Sequence[Detection]],
    iou_min: float,
) -> tuple[list[tuple[float, bool]], int]:
    """(score, true positive?) for each counted detection of `label`, and its labelled boxes."""
    ranked: list[tuple[float, bool]] = []
    boxes = 0
    for want, got in zip(truths, found, strict=True):
        mine = [truth for truth in want if truth.label == label]
        boxes += sum(1 for truth in mine if not truth.crowd)
        ranked.extend(_photo(mine, [d for d in got if d.label == label], iou_min))
    return ranked, boxes


def _photo(truths: list[Truth], found: list[Detection], iou_min: float) -> list[tuple[float, bool]]:
    """One photo and one class: (score, true positive?) for each detection that counts."""
    counted = sorted(found, key=lambda d: -d.confidence)[:MAX_PER_CLASS]
    # match() pairs detections with detections; a labelled box is one scored 1.
    labelled = [Detection(t.label, 1.0, t.box) for t in truths if not t.crowd]
    hit = {id(got) for _, got in match(labelled, counted, iou_min)}
    crowds = [t.box for t in truths if t.crowd]
    return [
        (got.confidence, id(got) in hit)
        for got in counted
        if id(got) in hit or not _in_crowd(got.box, crowds, iou_min)
    ]


def _in_crowd(box: Box, crowds: list[Box], iou_min: float) -> bool:
    """Whether `box` lies in a crowd region: as COCO, its overlap over its own area."""
    area = max(0.0, box.x2 - box.x1) * max(0.0, box.y2 - box.y1)
    for crowd in crowds:
        width = max(0.0, min(box.x2, crowd.x2) - max(box.x1, crowd.x1))
        height = max(0.0, min(box.y2, crowd.y2) - max(box.y1, crowd.y1))
        if area > 0 and width * height / area >= iou_min:
            return True
    return False
