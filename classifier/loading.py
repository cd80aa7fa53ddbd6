"""Opening a YOLO-World checkpoint: verify it, unpickle it, set its classes."""

import logging
import os
import sys
from typing import TYPE_CHECKING

from .config import ModelConfig
from .errors import ModelError
from .weights import verify_weights

if TYPE_CHECKING:  # only for type hints: importing ultralytics takes seconds
    from ultralytics import YOLOWorld

log = logging.getLogger(__name__)

CLIP_HELP = (
    "set_classes encodes class names with CLIP, which needs the 'clip' package "
    "(pip install git+https://github.com/ultralytics/CLIP.git) and, on first use, "
    "downloads its ViT-B/32 weights from the internet"
)


def import_yolo_world() -> "type[YOLOWorld]":
    """Import ultralytics offline and quiet.

    Left alone, ultralytics reaches for the internet, pip-installs missing
    packages at run time and logs every step to stdout. A worker must not change
    itself, and stdout belongs to the caller, so all three are off unless the
    environment already says otherwise. (ultralytics reads these at import.)
    """
    os.environ.setdefault("YOLO_OFFLINE", "1")
    os.environ.setdefault("YOLO_AUTOINSTALL", "false")
    os.environ.setdefault("YOLO_VERBOSE", "false")  # errors are still logged
    from PIL import Image

    # Importing ultralytics replaces PIL.Image.open for the whole process with a
    # version that tries to pip-install a HEIF plugin on unknown files. Put the
    # original back: the worker's own image checks must behave as everywhere else.
    pillow_open = Image.open
    from ultralytics import YOLOWorld

    Image.open = pillow_open
    return YOLOWorld


def open_model(config: ModelConfig) -> "YOLOWorld":
    """Verify, unpickle and prepare the checkpoint that `config` names."""
    if config.weights.suffix != ".pt":
        # ultralytics would happily build an *untrained* model from a .yaml path.
        raise ModelError(f"Model weights must be a .pt checkpoint, got {config.weights}")
    verify_weights(config.weights, config.sha256)  # must come before unpickling
    if config.sha256 is None:
        log.warning("Loading %s without checking its SHA-256", config.weights)
    model = _unpickle(config)
    _use_classes(model, config.classes)
    return model


def checkpoint_classes(model: "YOLOWorld") -> tuple[str, ...]:
    """The class names stored in the checkpoint, in index order."""
    names = model.names  # {0: "person", 1: "bicycle", ...}
    return tuple(names[index] for index in sorted(names))


def _unpickle(config: ModelConfig) -> "YOLOWorld":
    yolo_world = import_yolo_world()
    try:
        model = yolo_world(str(config.weights), verbose=False)
    except Exception as exc:  # a damaged file surfaces as TypeError, RuntimeError, ...
        raise ModelError(f"Could not read model weights {config.weights}: {exc}") from exc
    if not hasattr(model.model, "txt_feats"):
        raise ModelError(f"{config.weights} is not a YOLO-World checkpoint")
    return model


def _use_classes(model: "YOLOWorld", classes: tuple[str, ...]) -> None:
    """Point the model at `classes`, calling CLIP only when the names differ."""
    stored = checkpoint_classes(model)
    if stored == classes:
        return  # the class text features are already in the checkpoint
    try:
        model.set_classes(list(classes))
    except Exception as exc:  # no clip package, no network, ...
        raise ModelError(
            f"The checkpoint knows the classes {_shorten(stored)}, but {list(classes)} are "
            f"configured, and changing them failed ({type(exc).__name__}: {exc}). {CLIP_HELP}, "
            "so it does not work offline. Install CLIP where the internet is reachable, "
            "or set BIRDAI_MODEL_CLASSES to the checkpoint's classes."
        ) from exc


def _shorten(names: tuple[str, ...], limit: int = 8) -> str:
    """List at most `limit` names: the official checkpoint has 80 COCO classes."""
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return f"{list(names[:limit])}{more}"


def ultralytics_logs_to_stderr() -> None:
    """Ultralytics logs to stdout; a command whose stdout is JSON sends them to stderr."""
    import_yolo_world()  # ultralytics sets up its log handler when imported
    for handler in logging.getLogger("ultralytics").handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(sys.stderr)
