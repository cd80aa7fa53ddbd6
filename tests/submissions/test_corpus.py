"""Every real-camera photo in the corpus is accepted with the right position, or none."""

import json

import pytest
from django.core.files.base import ContentFile

from submissions import services
from submissions.images import ImageRejected
from submissions.models import Submission
from submissions.storage import served_image_open
from tests.conftest import metadata_segments, stored_files
from tests.submissions.photos import with_copies

pytestmark = pytest.mark.django_db


def test_corpus_photo_is_stored_with_its_position_or_refused_cleanly(
    alice, exif_samples, corpus_jpeg, isolated_storage
):
    expected = json.loads((exif_samples / "gps-expected.json").read_text())
    relative = str(corpus_jpeg.relative_to(exif_samples))
    upload = ContentFile(corpus_jpeg.read_bytes(), name=corpus_jpeg.name)
    try:
        submission = services.submission_create(owner=alice, upload=upload)
    except ImageRejected as refused:
        assert refused.message
        assert not Submission.objects.exists() and stored_files(isolated_storage) == []
        return
    position = expected.get(relative)
    if position is None:
        assert submission.location is None
    else:
        assert submission.location.y == pytest.approx(position["lat"], abs=1e-5)
        assert submission.location.x == pytest.approx(position["lon"], abs=1e-5)
    assert len(stored_files(isolated_storage)) == 1  # the original; the worker makes the rest
    submission = with_copies(submission)
    assert len(stored_files(isolated_storage)) == 3
    # Whatever EXIF, XMP or maker notes the camera wrote, none reaches the served copies.
    for served in (submission.image, submission.thumbnail):
        assert metadata_segments(served_image_open(served.name)) == []


def test_orientation_variants_are_served_upright(alice, exif_samples):
    sizes = {}
    for name in ["landscape_1.jpg", "landscape_6.jpg", "portrait_8.jpg"]:
        data = (exif_samples / "jpg" / "orientation" / name).read_bytes()
        submission = services.submission_create(owner=alice, upload=ContentFile(data, name=name))
        sizes[name] = (submission.width, submission.height)
    assert sizes["landscape_1.jpg"][0] > sizes["landscape_1.jpg"][1]
    # Orientation 6 and 8 are stored sideways; served upright they swap width and height.
    assert sizes["landscape_6.jpg"] == sizes["landscape_1.jpg"]
    assert sizes["portrait_8.jpg"][0] < sizes["portrait_8.jpg"][1]
