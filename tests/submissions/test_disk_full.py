"""Local storage with a full disk: a clean 503 with Retry-After, and nothing left behind.

The storage folders are a tmpfs of this test's own, too small for the photo, so the
disk fills in the middle of writing the original: the half-written file must go
too, not only the files before it. Then the disk grows, and the same upload works.
"""

import io
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult
from PIL import Image

from submissions import storage
from submissions.models import Submission
from tests.conftest import stored_files
from tests.submissions.photos import api_upload as post_photo
from tests.submissions.photos import with_copies

DISK_KB = 64  # the photo below is several times that


@pytest.fixture
def full_disk(settings, tmp_path: Path) -> Iterator[Path]:
    """The media and originals folders on a DISK_KB tmpfs; unmounted at the end."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = _mount(disk, f"size={DISK_KB}k")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": _options(disk / "media", settings)},
        "originals": {**settings.STORAGES["originals"], "OPTIONS": _options(disk / "originals")},
    }
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def _mount(disk: Path, options: str) -> subprocess.CompletedProcess[str]:
    command = ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(disk)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def _options(location: Path, settings=None) -> dict[str, object]:
    return {"location": location, "base_url": settings.MEDIA_URL if settings else None}


def noisy_photo() -> bytes:
    """A JPEG of random pixels: it does not compress, so it is large (about 300 KB)."""
    image = Image.frombytes("RGB", (400, 300), os.urandom(400 * 300 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def test_a_full_disk_is_503_with_nothing_half_stored(client, alice_token, full_disk):
    photo = noisy_photo()
    assert len(photo) > 2 * DISK_KB * 1024
    response = post_photo(client, alice_token, photo)
    assert response.status_code == 503
    assert response["Retry-After"] == str(storage.StorageUnavailable.retry_after)
    assert response.json() == {"detail": storage.StorageUnavailable.message}
    assert not Submission.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert stored_files(full_disk) == [], "a half-written file was left on the disk"

    # Room again (an operator cleaned up): the same photo goes in.
    assert _mount(full_disk, "remount,size=16m").returncode == 0
    created = post_photo(client, alice_token, photo)
    assert created.status_code == 201
    assert len(stored_files(full_disk)) == 1  # the original; the worker makes the copies
    with_copies(Submission.objects.get(pk=created.json()["id"]))
    assert len(stored_files(full_disk)) == 3


def test_a_full_disk_on_the_upload_page_says_so(alice_client, full_disk):
    photo = SimpleUploadedFile("squirrel.jpg", noisy_photo())
    page = alice_client.post("/submissions/new/", {"image": photo})
    assert page.status_code == 503
    assert "Photo storage is unavailable right now" in page.content.decode()
    assert not Submission.objects.exists()
    assert stored_files(full_disk) == []
