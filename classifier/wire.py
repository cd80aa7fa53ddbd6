"""What travels between the inference service and its clients.

A request is one image file as the body (Content-Type image/jpeg, image/png, ...);
an answer is one DetectionRun as JSON, plus the size of the batch it ran in.
Both sides use these functions, so the two ends cannot drift apart.
"""

import io
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from .detection import Box, Detection, DetectionRun
from .errors import ImageError
from .pixels import rgb_pixels

if TYPE_CHECKING:
    import numpy as np


class Refused(Exception):
    """A request the server will not run, with the HTTP status and a message for people."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def run_to_json(run: DetectionRun, batch_size: int) -> dict[str, Any]:
    return {**asdict(run), "batch_size": batch_size}


def run_from_json(body: dict[str, Any]) -> DetectionRun:
    return DetectionRun(
        detections=[
            Detection(label=d["label"], confidence=d["confidence"], box=Box(**d["box"]))
            for d in body["detections"]
        ],
        inference_ms=body["inference_ms"],
        device=body["device"],
        model_name=body["model_name"],
        classes=tuple(body["classes"]),
        precision=body.get("precision", "fp32"),  # a service from before there were variants
    )


def pixels_from_body(body: bytes, content_type: str, max_pixels: int) -> "np.ndarray":
    """The body's image as 8-bit RGB pixels, decoded here so a bad one is this request's 4xx.

    Raises Refused: 415 for a body that says it is not an image, 413 for too many
    pixels (checked from the header, before decoding), 400 for one that cannot be read.
    """
    from PIL import Image, UnidentifiedImageError

    if not content_type.lower().startswith("image/"):
        sent = content_type or "no Content-Type"
        raise Refused(
            415, f"Send one image file as the body, with Content-Type image/*, not {sent}"
        )
    try:
        image = Image.open(io.BytesIO(body))
    except Image.DecompressionBombError as error:  # far beyond any limit we would set
        raise Refused(413, str(error)) from None
    except UnidentifiedImageError:
        raise Refused(400, "The body is not an image this server can read") from None
    except OSError as error:
        raise Refused(400, f"The image cannot be read: {error}") from None
    if image.width * image.height > max_pixels:
        size = f"{image.width}x{image.height}"
        raise Refused(413, f"The image has {size} pixels, more than the {max_pixels} taken here")
    try:
        return rgb_pixels(image)
    except ImageError as error:
        raise Refused(400, str(error)) from None
