"""The one module that reaches submission files: writes, moves, reads, lists and
deletes them, and says where a browser fetches them (served_copy_url).

It talks to Django's configured storages only: local disk by default, S3
(django-storages) when BIRDAI_S3_BUCKET is set. Originals go to the private
"originals" storage; the EXIF-free copies go to "default", which is what gets served,
except a private photo's: they live beside its original, so no public URL reaches them.
Each submission's files live in the folder ``submissions/<submission id>/`` of both.
"""

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, storages
from django.urls import reverse
from storages.backends.s3 import S3Storage

from submissions.images import CheckedUpload
from submissions.models import Submission

logger = logging.getLogger(__name__)
FOLDER = "submissions"
ALIASES = ("originals", "default")
# What a storage raises when it cannot take or give a file: a full or read-only disk
# (OSError); S3 unreachable or timing out (BotoCoreError), or refusing (ClientError,
# and Boto3Error, which wraps a refused upload).
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError, Boto3Error)
# How long a private photo's presigned S3 URL works: long enough to load a page.
PRIVATE_URL_SECONDS = 300


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


def submission_original_save(*, submission_id: uuid.UUID, upload: CheckedUpload) -> str:
    """Store the photo as uploaded, EXIF and all, where no URL reaches it; its name.

    Raises ``StorageUnavailable`` if storage fails, having deleted what it wrote.
    """
    name = f"{FOLDER}/{submission_id}/original{upload.extension}"
    (saved,) = _save_all([(storages["originals"], name, upload.original)], submission_id)
    return saved


def served_copies_save(
    *, submission_id: uuid.UUID, served: bytes, thumbnail: bytes, private: bool
) -> tuple[str, str]:
    """Store the served copy and the thumbnail where the photo's geoprivacy says; their names.

    Raises ``StorageUnavailable`` if storage fails, having deleted what it wrote.
    """
    folder, storage = f"{FOLDER}/{submission_id}", _served_storage(private=private)
    image, thumb = _save_all(
        [(storage, f"{folder}/image.jpg", served), (storage, f"{folder}/thumbnail.jpg", thumbnail)],
        submission_id,
    )
    return image, thumb


def _save_all(files: list[tuple[Storage, str, bytes]], submission_id: uuid.UUID) -> list[str]:
    # All or none: on any failure the files already written are deleted again, as far
    # as storage lets us. The file being written when storage fails may be there in
    # part (a full disk stops FileSystemStorage mid-write and it leaves what it wrote),
    # so it is deleted too. Its name is the one asked for: the folder is this
    # submission's own.
    saved: list[tuple[Storage, str]] = []
    writing: list[tuple[Storage, str]] = []
    try:
        for storage, name, data in files:
            writing = [(storage, name)]
            saved.append((storage, storage.save(name, ContentFile(data))))
            writing = []
    except STORAGE_ERRORS as error:
        logger.warning("Storing submission %s failed", submission_id, exc_info=True)
        _delete(saved + writing)
        raise StorageUnavailable from error
    except BaseException:
        _delete(saved + writing)
        raise
    return [name for _, name in saved]


def submission_files_delete(*, files: StoredFiles) -> None:
    """Delete a submission's files, the served copies from both storages; best effort.

    A name that is "" (the worker has not made that copy yet) is skipped.
    """
    originals = [(storages["originals"], files.original)] if files.original else []
    served = [name for name in (files.image, files.thumbnail) if name]
    _delete(originals + [(storages[alias], name) for alias in ALIASES for name in served])


def served_copies_move(*, names: list[str], private: bool) -> None:
    """Put served copies where their photo's geoprivacy says; raise ``StorageUnavailable``.

    Each file is copied first and deleted from the other storage only then, so a failure
    at any step leaves every file in at least one storage; calling again finishes the move.
    """
    target, source = _served_storage(private=private), _served_storage(private=not private)
    try:
        for name in names:
            _move(name, source=source, target=target)
    except STORAGE_ERRORS as error:
        logger.warning("Moving %s failed", names, exc_info=True)
        raise StorageUnavailable from error


def served_image_open(name: str) -> bytes:
    with served_copy_open(name) as image_file:
        return image_file.read()


def original_open(name: str) -> bytes:
    with storages["originals"].open(name, "rb") as original:
        return original.read()


def served_copy_open(name: str) -> File:
    """A served copy, from whichever storage holds it (a move may be under way)."""
    try:
        return storages["default"].open(name, "rb")
    except FileNotFoundError:
        return storages["originals"].open(name, "rb")


def public_copy_open(name: str) -> tuple[File, datetime]:
    """A served copy from the public storage only, and when it was written."""
    storage = storages["default"]
    return storage.open(name, "rb"), storage.get_modified_time(name)


def served_url(name: str) -> str:
    """Where a browser fetches a public served copy: /media/…, a CDN or a presigned S3 URL.

    Only for a photo that is not private; for any photo, ask served_copy_url.
    """
    return str(storages["default"].url(name))


def served_copy_url(submission: Submission, *, thumbnail: bool = False) -> str | None:
    """Where a browser fetches this submission's served copy (or thumbnail); None until
    the worker has made it.

    Open and obscured: its public URL (served_url). Private, for its owner only: on S3 a
    presigned URL that works PRIVATE_URL_SECONDS, straight from the bucket, never the
    CDN; on disk the owner-only view, as /media/ refuses a private photo's files.
    """
    name = (submission.thumbnail if thumbnail else submission.image).name or ""
    if not name:
        return None
    if submission.geoprivacy != Submission.Geoprivacy.PRIVATE:
        return served_url(name)
    private = _served_storage(private=True)
    if isinstance(private, S3Storage):
        return str(private.url(name, expire=PRIVATE_URL_SECONDS))
    view = "submissions:thumbnail" if thumbnail else "submissions:image"
    return reverse(view, args=[submission.pk])


def submission_id_of(name: str) -> uuid.UUID | None:
    """The submission whose folder holds the file `name`; None if it is not in one."""
    parts = name.split("/")
    if len(parts) != 3 or parts[0] != FOLDER or not _is_submission_id(parts[1]):
        return None
    return uuid.UUID(parts[1])


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


def _served_storage(*, private: bool) -> Storage:
    # A private photo's copies live beside its original: never under /media/, never
    # behind the CDN, on S3 reached only by short presigned URLs.
    return storages["originals" if private else "default"]


def _move(name: str, *, source: Storage, target: Storage) -> None:
    if not target.exists(name):
        if not source.exists(name):
            logger.warning("%s is in neither storage; nothing to move", name)
            return
        with source.open(name, "rb") as content:
            target.save(name, content)
    source.delete(name)


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
