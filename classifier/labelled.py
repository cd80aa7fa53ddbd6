"""A labelled set of photos in COCO's format, read for `python -m classifier evaluate`.

The file has `images` (id, file_name, width, height), `annotations` (image_id,
category_id, bbox as [x, y, width, height] in pixels, iscrowd optional) and
`categories` (id, name). Category names are matched to the model's classes,
ignoring case; a name the model does not know, on any box, is refused rather
than quietly left out of the figures.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .detection import Box
from .evaluation import Truth

ORIENTATION = 0x0112  # the EXIF tag; 5 to 8 turn the photo a quarter, swapping its sides
SHOWN = 5  # missing files named in the message, at most


class LabelsError(ValueError):
    """A labelled set that cannot be used; the message says what is wrong with it."""


@dataclass(frozen=True)
class LabelledPhoto:
    path: Path
    truths: tuple[Truth, ...]


def read_labelled(annotations: Path, images: Path, classes: Sequence[str]) -> list[LabelledPhoto]:
    """Every photo of the set at `annotations`, its file under `images`, its boxes by class.

    LabelsError for a file that is missing or malformed, a category the model
    does not know, or a photo that is missing, unreadable or not the size the
    file says.
    """
    raw = _json(annotations)
    try:
        photos = _photos(_list(raw, "images"))
        labels = _labels(_list(raw, "categories"), classes)
        truths, unknown = _truths(_list(raw, "annotations"), photos, labels)
    except LabelsError as exc:
        raise LabelsError(f"{annotations}: {exc}") from None
    except KeyError as exc:  # a field COCO's format requires
        raise LabelsError(f"{annotations}: a field is missing: {exc}") from None
    except (TypeError, ValueError) as exc:  # e.g. a width that is not a number
        raise LabelsError(f"{annotations} is not a COCO labelled set: {exc}") from None
    if unknown:
        raise LabelsError(
            f"{annotations} labels boxes {sorted(unknown)}, which the model does not know: "
            f"it finds {list(classes)} and nothing else. Take those boxes out of the set, or "
            "build a model with those classes (python -m classifier build --classes ...)"
        )
    if not images.is_dir():
        raise LabelsError(f"No folder {images} for the photos of {annotations}")
    paths = {id_: images / name for id_, (name, _) in photos.items()}
    _check_files(paths, {id_: size for id_, (_, size) in photos.items()})
    return [LabelledPhoto(paths[id_], tuple(truths[id_])) for id_ in photos]


def _json(path: Path) -> dict[str, Any]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LabelsError(f"No annotations file {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelsError(f"Cannot read {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise LabelsError(f"{path} is not JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise LabelsError(f"{path} is not a COCO labelled set: the top level is not an object")
    return raw


def _list(raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = raw.get(key)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise LabelsError(f'"{key}" must be a list of objects')
    return items


def _photos(images: list[dict[str, Any]]) -> dict[Any, tuple[str, tuple[int, int]]]:
    """{image id: (file name, (width, height))}, in the file's order."""
    if not images:
        raise LabelsError('"images" is empty: there is nothing to evaluate on')
    photos: dict[Any, tuple[str, tuple[int, int]]] = {}
    for image in images:
        id_, name, size = _id(image["id"]), image["file_name"], (image["width"], image["height"])
        if not isinstance(name, str) or not name:
            raise LabelsError(f"image {id_!r} has no file_name")
        if not all(isinstance(side, int) and side > 0 for side in size):
            raise LabelsError(f"image {id_!r} has no valid width and height: {size}")
        if id_ in photos:
            raise LabelsError(f"image id {id_!r} is there twice")
        photos[id_] = (name, size)
    return photos


def _labels(
    categories: list[dict[str, Any]], classes: Sequence[str]
) -> dict[Any, tuple[str, str | None]]:
    """{category id: (its name, the model's class of that name or None if it has none)}."""
    known = {name.strip().lower(): name for name in classes}
    labels: dict[Any, tuple[str, str | None]] = {}
    for category in categories:
        name = category["name"]
        if not isinstance(name, str):
            raise LabelsError(f"category {category['id']!r} has no name")
        labels[_id(category["id"])] = (name, known.get(name.strip().lower()))
    return labels


def _truths(
    annotations: list[dict[str, Any]],
    photos: dict[Any, Any],
    labels: dict[Any, tuple[str, str | None]],
) -> tuple[dict[Any, list[Truth]], set[str]]:
    """({image id: its labelled boxes}, the category names of boxes the model cannot find).

    Every photo is there, with no boxes if it has none.
    """
    truths: dict[Any, list[Truth]] = {id_: [] for id_ in photos}
    unknown: set[str] = set()  # names of categories the model does not know
    for annotation in annotations:
        image, category = _id(annotation["image_id"]), _id(annotation["category_id"])
        if image not in photos:
            raise LabelsError(
                f"annotation {annotation.get('id')!r} is on image {image!r}, not in images"
            )
        if category not in labels:
            raise LabelsError(
                f"annotation {annotation.get('id')!r} has category {category!r}, not in categories"
            )
        name, label = labels[category]
        if label is None:
            unknown.add(name)
            continue
        box = _box(annotation["bbox"], annotation.get("id"))
        truths[image].append(Truth(label, box, crowd=bool(annotation.get("iscrowd", 0))))
    return truths, unknown


def _id(value: Any) -> int | str:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise LabelsError(f"ids must be numbers or strings, got {value!r}")
    return value


def _box(bbox: Any, annotation: Any) -> Box:
    """COCO's [x, y, width, height] as corners."""
    if not (
        isinstance(bbox, list)
        and len(bbox) == 4
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in bbox)
        and bbox[2] >= 0
        and bbox[3] >= 0
    ):
        raise LabelsError(
            f"annotation {annotation!r} has no valid bbox [x, y, width, height]: {bbox!r}"
        )
    x, y, width, height = map(float, bbox)
    return Box(x, y, x + width, y + height)


def _check_files(paths: dict[Any, Path], sizes: dict[Any, tuple[int, int]]) -> None:
    """LabelsError unless every photo is there, readable, and of the size the set says.

    Only headers are read. A photo is measured the way a worker sees an upload:
    upright, after its EXIF orientation, so the boxes must be drawn on it upright.
    """
    missing = [str(path) for path in paths.values() if not path.is_file()]
    if missing:
        more = f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else ""
        raise LabelsError(
            f"{len(missing)} photos of the set are missing: {', '.join(missing[:SHOWN])}{more}"
        )
    for id_, path in paths.items():
        size = upright_size(path)
        if size != sizes[id_]:
            width, height = sizes[id_]
            raise LabelsError(
                f"{path} is {size[0]}×{size[1]} upright (after its EXIF orientation, as a "
                f"worker sees it), but the set says image {id_!r} is {width}×{height}"
            )


def upright_size(path: Path) -> tuple[int, int]:
    """(width, height) of the photo at `path` once turned upright; LabelsError if unreadable."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height = image.size
            turned = image.getexif().get(ORIENTATION) in (5, 6, 7, 8)
    except (OSError, UnidentifiedImageError) as exc:
        raise LabelsError(f"Cannot read the photo {path}: {exc}") from None
    return (height, width) if turned else (width, height)
