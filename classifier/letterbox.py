"""Fitting images into the network input, and mapping boxes back out.

The network wants an input whose sides are multiples of its stride (32). A
photo is scaled so its long side is `imgsz`, then padded with grey up to the
next multiple of 32, not to a full square: a 4:3 photo becomes 640x480 rather
than 640x640, which saves a quarter of the work. The arithmetic copies
ultralytics' LetterBox (auto=True) and scale_boxes, so both backends see the
same pixels and report the same boxes.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

STRIDE = 32  # the network halves its input five times
PAD_VALUE = 114  # the grey YOLO models were trained with around letterboxed images


@dataclass(frozen=True)
class Fit:
    """Where one image landed inside the network input."""

    width: int  # the original image
    height: int
    new_width: int  # after scaling, before padding
    new_height: int
    left: int  # grey columns to the left of it
    top: int  # grey rows above it


def scaled_size(width: int, height: int, imgsz: int) -> tuple[int, int]:
    """The size after scaling the long side to `imgsz`; no side shrinks below 1 px."""
    ratio = min(imgsz / height, imgsz / width)
    return max(round(width * ratio), 1), max(round(height * ratio), 1)


def input_shape(sizes: list[tuple[int, int]], imgsz: int) -> tuple[int, int]:
    """(height, width) of the smallest stride-aligned input every scaled image fits in."""
    scaled = [scaled_size(width, height, imgsz) for width, height in sizes]
    width = max(w for w, _ in scaled)
    height = max(h for _, h in scaled)
    return _round_up(height), _round_up(width)


def fit(width: int, height: int, imgsz: int, shape: tuple[int, int]) -> Fit:
    """Place one image, scaled, in the middle of an input of `shape` (height, width)."""
    new_width, new_height = scaled_size(width, height, imgsz)
    # Ultralytics' rounding: an odd padding puts the extra pixel right and below.
    left = round((shape[1] - new_width) / 2 - 0.1)
    top = round((shape[0] - new_height) / 2 - 0.1)
    return Fit(width, height, new_width, new_height, left, top)


def to_tensor(images: list["np.ndarray"], imgsz: int) -> tuple["np.ndarray", list[Fit]]:
    """Letterbox RGB uint8 images into one (batch, 3, height, width) float32 input in 0..1."""
    import cv2
    import numpy as np

    shape = input_shape([(image.shape[1], image.shape[0]) for image in images], imgsz)
    canvas = np.full((len(images), *shape, 3), PAD_VALUE, dtype=np.uint8)
    fits = []
    for index, image in enumerate(images):
        place = fit(image.shape[1], image.shape[0], imgsz, shape)
        if (place.new_width, place.new_height) != (place.width, place.height):
            # Bilinear, as ultralytics resizes, so both backends see the same pixels.
            size = (place.new_width, place.new_height)
            image = cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)
        rows = slice(place.top, place.top + place.new_height)
        columns = slice(place.left, place.left + place.new_width)
        canvas[index, rows, columns] = image
        fits.append(place)
    tensor = np.ascontiguousarray(canvas.transpose(0, 3, 1, 2), dtype=np.float32)
    tensor /= 255  # in place: no second full-size copy
    return tensor, fits


def to_original(boxes: "np.ndarray", place: Fit) -> "np.ndarray":
    """Map (n, 4) x1,y1,x2,y2 boxes from network input pixels to the original image."""
    gain_x = place.new_width / place.width
    gain_y = place.new_height / place.height
    boxes[:, [0, 2]] = ((boxes[:, [0, 2]] - place.left) / gain_x).clip(0, place.width)
    boxes[:, [1, 3]] = ((boxes[:, [1, 3]] - place.top) / gain_y).clip(0, place.height)
    return boxes


def _round_up(size: int) -> int:
    return -(-size // STRIDE) * STRIDE
