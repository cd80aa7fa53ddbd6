"""From raw network output to a few boxes: threshold, then non-maximum suppression.

YOLO-World's exported output is (batch, 4 + classes, anchors): for each anchor
a box (centre x, centre y, width, height, in input pixels) and one score per
class, already through a sigmoid. This is plain numpy, written to give the same
answer as ultralytics' non_max_suppression with its predict defaults.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

IOU = 0.7  # ultralytics' predict default: boxes overlapping more are duplicates
MAX_DETECTIONS = 300  # per image, as ultralytics
MAX_CANDIDATES = 30_000  # more than this go into NMS only by best score, as ultralytics
CLASS_OFFSET = 7680.0  # shifts each class's boxes apart, so NMS never mixes classes


def select(
    output: "np.ndarray", confidence: float
) -> tuple["np.ndarray", "np.ndarray", "np.ndarray"]:
    """Boxes (x1, y1, x2, y2), scores and class indices that survive, best first.

    `output` is one image's (4 + classes, anchors) slice. Each anchor keeps only
    its best class, as ultralytics does by default (no multi-label).
    """
    import numpy as np

    scores_by_class = output[4:]
    classes = scores_by_class.argmax(axis=0)
    scores = scores_by_class.max(axis=0)
    keep = np.flatnonzero(scores > confidence)
    if keep.size > MAX_CANDIDATES:
        keep = keep[np.argsort(-scores[keep], kind="stable")[:MAX_CANDIDATES]]
    boxes = _corners(output[:4, keep].T)
    scores, classes = scores[keep], classes[keep]
    chosen = nms(boxes + (classes * CLASS_OFFSET)[:, None], scores, IOU, MAX_DETECTIONS)
    return boxes[chosen], scores[chosen], classes[chosen]


def nms(boxes: "np.ndarray", scores: "np.ndarray", iou: float, limit: int) -> "np.ndarray":
    """Indices of the boxes to keep, best first: each drops all later ones it overlaps > `iou`."""
    import numpy as np

    order = np.argsort(-scores, kind="stable")
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    kept: list[int] = []
    while order.size and len(kept) < limit:  # later boxes can only be dropped, so stop at limit
        best, rest = order[0], order[1:]
        kept.append(int(best))
        order = rest[_overlap(boxes[best], areas[best], boxes[rest], areas[rest]) <= iou]
    return np.array(kept, dtype=np.intp)


def _overlap(
    box: "np.ndarray", area: "np.ndarray", others: "np.ndarray", other_areas: "np.ndarray"
) -> "np.ndarray":
    """Intersection over union of one box with each of `others`."""
    import numpy as np

    width = (np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0])).clip(0)
    height = (np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1])).clip(0)
    intersection = width * height
    union = np.maximum(area + other_areas - intersection, 1e-9)  # two empty boxes: 0, not 0/0
    return intersection / union


def _corners(centred: "np.ndarray") -> "np.ndarray":
    """(n, 4) centre x, centre y, width, height to x1, y1, x2, y2."""
    import numpy as np

    half = centred[:, 2:] / 2
    return np.concatenate((centred[:, :2] - half, centred[:, :2] + half), axis=1)
