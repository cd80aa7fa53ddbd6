"""storage_clean_orphans: stored files whose submission has no row, on local disk and in S3."""

import io
import os
import time
import uuid
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command

from submissions import services
from submissions.models import Submission
from tests.submissions.photos import uploaded

pytestmark = pytest.mark.django_db
StoredName = tuple[str, str]  # (storage alias, file name)


@pytest.fixture(params=["disk", "s3"])
def backend(request) -> str:
    if request.param == "s3":
        request.getfixturevalue("s3")
    return request.param


def orphan_files(folder: str | None = None) -> set[StoredName]:
    """A submission's three files with no row behind them, as a failed cleanup leaves them."""
    folder = f"submissions/{folder or uuid.uuid4()}"
    return {
        ("originals", storages["originals"].save(f"{folder}/original.jpg", ContentFile(b"o"))),
        ("default", storages["default"].save(f"{folder}/image.jpg", ContentFile(b"i"))),
        ("default", storages["default"].save(f"{folder}/thumbnail.jpg", ContentFile(b"t"))),
    }


def files_of(submission: Submission) -> set[StoredName]:
    return {
        ("originals", submission.original.name),
        ("default", submission.image.name),
        ("default", submission.thumbnail.name),
    }


def existing(files: set[StoredName]) -> set[StoredName]:
    return {(alias, name) for alias, name in files if storages[alias].exists(name)}


def clean(*args: str) -> str:
    out = io.StringIO()
    call_command("storage_clean_orphans", *args, stdout=out)
    return out.getvalue()


def test_orphans_past_the_grace_period_are_deleted_submissions_kept(backend, alice, make_photo):
    kept = uploaded(alice, make_photo())
    orphans = orphan_files()
    output = clean("--grace-minutes=0")
    for alias, name in orphans:
        assert f"deleted {alias}: {name}" in output
    assert "3 orphan file(s) deleted." in output
    assert existing(orphans) == set()
    assert existing(files_of(kept)) == files_of(kept)


def test_orphans_younger_than_the_grace_period_are_kept(backend):
    orphans = orphan_files()
    assert services.submission_orphan_files_delete() == []  # an hour by default
    assert existing(orphans) == orphans


def test_dry_run_lists_the_orphans_and_deletes_nothing(backend):
    orphans = orphan_files()
    output = clean("--dry-run", "--grace-minutes=0")
    for alias, name in orphans:
        assert f"would delete {alias}: {name}" in output
    assert "3 orphan file(s) would be deleted (dry run)." in output
    assert existing(orphans) == orphans


def test_only_files_older_than_the_grace_period_go(isolated_storage):
    old, young = orphan_files(), orphan_files()
    two_hours_ago = time.time() - 2 * 3600
    for alias, name in old:
        os.utime(storages[alias].path(name), (two_hours_ago, two_hours_ago))
    deleted = services.submission_orphan_files_delete(grace=timedelta(hours=1))
    assert {(stored.storage, stored.name) for stored in deleted} == old
    assert existing(old) == set()
    assert existing(young) == young


def test_folders_that_are_not_submission_ids_are_left_alone(backend):
    strangers = orphan_files("notes") | orphan_files(uuid.uuid4().hex)  # no hyphens: not ours
    assert services.submission_orphan_files_delete(grace=timedelta(0)) == []
    assert existing(strangers) == strangers


def test_nothing_stored_yet_nothing_to_do(backend):
    assert clean("--grace-minutes=0").strip() == "0 orphan file(s) deleted."
