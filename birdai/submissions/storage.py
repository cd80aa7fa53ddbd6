"""The one module that writes and deletes submission files.

It talks to Django's configured storages only: local disk by default, S3 when
the settings say so. Originals go to the private "originals" storage; the
EXIF-free copies go to "default", which is what gets served.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from birdai.submissions.images import PreparedImage


@dataclass(frozen=True)
class StoredFiles:
    original: str
    image: str
    thumbnail: str


def submission_files_save(*, submission_id: uuid.UUID, prepared: PreparedImage) -> StoredFiles:
    folder = f"submissions/{submission_id}"
    saved: list[tuple[Storage, str]] = []
    try:
        for storage, name, data in (
            (storages["originals"], f"{folder}/original{prepared.extension}", prepared.original),
            (storages["default"], f"{folder}/image.jpg", prepared.served),
            (storages["default"], f"{folder}/thumbnail.jpg", prepared.thumbnail),
        ):
            saved.append((storage, storage.save(name, ContentFile(data))))
    except BaseException:
        _delete(saved)
        raise
    return StoredFiles(*(name for _, name in saved))


def submission_files_delete(*, files: StoredFiles) -> None:
    _delete(
        [
            (storages["originals"], files.original),
            (storages["default"], files.image),
            (storages["default"], files.thumbnail),
        ]
    )


def served_image_open(name: str) -> bytes:
    with storages["default"].open(name, "rb") as image_file:
        return image_file.read()


def storages_writable() -> None:
    """Write and delete a small probe file in each storage; raise if either fails."""
    for alias in ("default", "originals"):
        storage = storages[alias]
        name = storage.save(f"readyz/{uuid.uuid4()}.txt", ContentFile(b"ok"))
        storage.delete(name)


def _delete(saved: Iterable[tuple[Storage, str]]) -> None:
    for storage, name in saved:
        storage.delete(name)
