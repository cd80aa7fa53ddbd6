"""Plain result types.

This module imports nothing heavy on purpose: the web tier stores and shows
detections without ever loading torch or ultralytics.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    """A rectangle in pixel coordinates of the image that was passed in.

    (x1, y1) is the top-left corner and (x2, y2) the bottom-right one.
    """

    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Detection:
    """One object found in an image."""

    label: str
    confidence: float  # between 0 and 1
    box: Box


@dataclass(frozen=True)
class DetectionRun:
    """Everything one call to `Detector.detect` found, plus how it was found."""

    detections: list[Detection]
    inference_ms: float  # wall-clock time of the whole predict call
    device: str  # the device that actually ran it, e.g. "cpu" or "cuda:0"
    model_name: str  # the weights file name without ".pt"
    classes: tuple[str, ...]  # the labels the model was asked to look for
    precision: str = "fp32"  # what the network computed in: "fp32", "int8" or "bf16"
