"""How closely a lower-precision variant (int8, bf16) finds what fp32 finds.

fp32 is the reference: the same network, the same photos, its detections taken
as the truth. This measures faithfulness to fp32, never accuracy: with untrained
weights a perfect score means "as wrong as fp32, in the same way".
"""

from collections.abc import Sequence
from dataclasses import dataclass

from .detection import Box, Detection

IOU_MIN = 0.5  # two boxes of one class at least this much overlapped are the same find
# A gate passed on fewer boxes than this proves nothing: an untrained model, or photos
# with nothing of our classes in them, gives F1 1.0 because neither side found anything.
MIN_BOXES = 20


@dataclass(frozen=True)
class Fidelity:
    """A variant measured against fp32 on the same photos."""

    f1: float  # box-level F1, the variant's boxes against fp32's; 1.0 when both found nothing
    mean_abs_score_diff: float  # over the matched pairs; 0.0 when nothing matched
    photos: int  # how many photos it was measured on
    boxes: int = 0  # how many boxes fp32 found on them (0 in manifests from before it was kept)

    @property
    def conclusive(self) -> bool:
        return self.boxes >= MIN_BOXES


def fidelity(
    reference: Sequence[Sequence[Detection]],
    variant: Sequence[Sequence[Detection]],
    *,
    iou_min: float = IOU_MIN,
) -> Fidelity:
    """Compare `variant`'s detections with `reference`'s (fp32's), photo by photo.

    Both list one entry per photo, in the same order. The counts are pooled over
    all photos before F1 is taken, so a photo with many boxes weighs more than
    one with a few, as it does for the people looking at them.
    """
    if not reference:
        raise ValueError("fidelity needs at least one photo")  # else any variant would pass
    if len(reference) != len(variant):
        raise ValueError(
            f"fidelity needs the same photos on both sides: {len(reference)} for the "
            f"reference, {len(variant)} for the variant"
        )
    pairs = [
        pair
        for want, got in zip(reference, variant, strict=True)
        for pair in match(want, got, iou_min)
    ]
    found = sum(len(got) for got in variant) + sum(len(want) for want in reference)
    diffs = [abs(want.confidence - got.confidence) for want, got in pairs]
    return Fidelity(
        # 2·TP / (variant's boxes + reference's boxes) is the harmonic mean of precision
        # (TP / variant's) and recall (TP / reference's), and stays defined at zero.
        f1=2 * len(pairs) / found if found else 1.0,
        mean_abs_score_diff=sum(diffs) / len(diffs) if diffs else 0.0,
        photos=len(reference),
        boxes=sum(len(want) for want in reference),
    )


def match(
    reference: Sequence[Detection], variant: Sequence[Detection], iou_min: float = IOU_MIN
) -> list[tuple[Detection, Detection]]:
    """(reference, variant) pairs of one photo, each detection in at most one pair.

    Greedy, as COCO's evaluation matches: the variant's detections in order of
    falling score, each taking the unmatched reference box of its class that it
    overlaps most, if that overlap is at least `iou_min`.
    """
    free = list(reference)
    pairs = []
    for got in sorted(variant, key=lambda d: d.confidence, reverse=True):
        same_class = [want for want in free if want.label == got.label]
        best = max(same_class, key=lambda want: box_iou(want.box, got.box), default=None)
        if best is not None and box_iou(best.box, got.box) >= iou_min:
            free.remove(best)
            pairs.append((best, got))
    return pairs


def box_iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes; 0.0 for boxes with no area."""
    width = max(0.0, min(a.x2, b.x2) - max(a.x1, b.x1))
    height = max(0.0, min(a.y2, b.y2) - max(a.y1, b.y1))
    inter = width * height
    union = _area(a) + _area(b) - inter
    return inter / union if union > 0 else 0.0


def _area(box: Box) -> float:
    return max(0.0, box.x2 - box.x1) * max(0.0, box.y2 - box.y1)
