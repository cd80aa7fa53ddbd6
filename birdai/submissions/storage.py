"""The one module that writes, lists and deletes submission files.

It talks to Django's configured storages only: local disk by default, S3
(django-storages) when BIRDAI_S3_BUCKET is set. Originals go to the private
"originals" storage; the EXIF-free copies go to "default", which is what gets served.
Each submission's files live in the folder ``submissions/<submission id>/`` of both.
"""

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from birdai.submissions.images import PreparedImage

logger = logging.getLogger(__name__)
FOLDER = "submissions"
ALIASES = ("originals", "default")
# What a storage raises when it cannot take or give a file: a full or read-only disk
# (OSError); S3 unreachable or timing out (BotoCoreError), or refusing (ClientError,
# and Boto3Error, which wraps a refused upload).
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError, Boto3Error)


class StorageUnavailable(Exception):
    """Storage could not take the photo, so nothing was kept; worth trying again later."""

    message = "Photo storage is unavailable right now, so nothing was saved. Try again shortly."
    retry_after = 30  # seconds, for the Retry-After header

    def __init__(self) -> None:
        super().__init__(self.message)


@dataclass(frozen=True)
class StoredFiles:
    original: str
    image: str
    thumbnail: str


@dataclass(frozen=True)
class StoredFile:
    storage: str  # the alias: "originals" or "default"
    name: str
    modified_at: datetime


def submission_files_save(*, submission_id: uuid.UUID, prepared: PreparedImage) -> StoredFiles:
    """Store the original and the served copies; raise ``StorageUnavailable`` if storage fails.

    On any failure the files already written are deleted again, as far as storage lets us.
    """
    folder = f"{FOLDER}/{submission_id}"
    saved: list[tuple[Storage, str]] = []
    try:
        for storage, name, data in (
            (storages["originals"], f"{folder}/original{prepared.extension}", prepared.original),
            (storages["default"], f"{folder}/image.jpg", prepared.served),
            (storages["default"], f"{folder}/thumbnail.jpg", prepared.thumbnail),
        ):
            saved.append((storage, storage.save(name, ContentFile(data))))
    except STORAGE_ERRORS as error:
        logger.warning("Storing submission %s failed", submission_id, exc_info=True)
        _delete(saved)
        raise StorageUnavailable from error
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
    for alias in ALIASES:
        storage = storages[alias]
        name = storage.save(f"readyz/{uuid.uuid4()}.txt", ContentFile(b"ok"))
        storage.delete(name)


def submission_ids_stored() -> set[uuid.UUID]:
    """The id of every submission that has a folder in either storage."""
    ids = set()
    for alias in ALIASES:
        folders, _ = _listdir(storages[alias], FOLDER)
        ids |= {uuid.UUID(folder) for folder in folders if _is_submission_id(folder)}
    return ids


def submission_files_list(*, submission_ids: Iterable[uuid.UUID]) -> list[StoredFile]:
    """Every file in these submissions' folders, in both storages, with its age."""
    found = []
    for submission_id in submission_ids:
        for alias in ALIASES:
            storage = storages[alias]
            folder = f"{FOLDER}/{submission_id}"
            for filename in _listdir(storage, folder)[1]:
                name = f"{folder}/{filename}"
                found.append(StoredFile(alias, name, storage.get_modified_time(name)))
    return found


def stored_files_delete(*, files: Iterable[StoredFile]) -> None:
    for stored in files:
        storages[stored.storage].delete(stored.name)


def _delete(saved: Iterable[tuple[Storage, str]]) -> None:
    # Best effort: this runs after something already failed, often storage itself, and
    # must not hide that error. What stays behind, storage_clean_orphans removes later.
    for storage, name in saved:
        try:
            storage.delete(name)
        except STORAGE_ERRORS:
            logger.warning("Could not delete %s; left for storage_clean_orphans", name)


def _listdir(storage: Storage, path: str) -> tuple[list[str], list[str]]:
    try:
        return storage.listdir(path)
    except FileNotFoundError:  # a local folder not made yet; S3 just lists nothing
        return [], []


def _is_submission_id(folder: str) -> bool:
    # Folder names are ids as str(uuid) writes them; anything else is not ours to judge.
    try:
        return str(uuid.UUID(folder)) == folder
    except ValueError:
        return False
