"""The worker's side of a submission: claiming it, running the model, storing the result.

These run the real (untrained) model in this process, the way a worker does.
"""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone
from PIL import Image

from submissions import services
from submissions.classification import classify_batch_size, submission_classify
from submissions.models import Submission
from tests.conftest import CLASSES, metadata_segments, stored_files

pytestmark = [pytest.mark.django_db, pytest.mark.model, pytest.mark.usefixtures("worker_model")]


@pytest.fixture
def queue_photos(alice, make_photo):
    """Upload n photos as alice, each queued a second after the one before."""

    def queue(n: int) -> list[Submission]:
        photos = [
            services.submission_create(owner=alice, upload=ContentFile(make_photo(), "a.jpg"))
            for _ in range(n)
        ]
        start = timezone.now() - timedelta(minutes=1)
        for index, photo in enumerate(photos):
            Submission.objects.filter(pk=photo.pk).update(
                queued_at=start + timedelta(seconds=index)
            )
        return photos

    return queue


def state(submission: Submission) -> tuple[str, int]:
    submission.refresh_from_db()
    return submission.status, submission.attempts


def test_a_photo_is_classified_and_its_result_stored(queue_photos):
    [photo] = queue_photos(1)
    submission_classify(submission_id=photo.pk)
    photo.refresh_from_db()
    assert (photo.status, photo.attempts, photo.error) == ("done", 1, "")
    assert (photo.model_name, photo.device) == ("yolov8s-worldv2-untrained", "cpu")
    assert photo.model_classes == list(CLASSES)
    assert photo.inference_ms > 0 and photo.finished_at >= photo.started_at


def test_a_cpu_worker_takes_one_photo_per_task(queue_photos):
    first, second = queue_photos(2)
    submission_classify(submission_id=second.pk)
    assert state(second) == ("done", 1)
    assert state(first) == ("pending", 0)


def test_a_batch_takes_the_oldest_queued_photos_besides_its_own(queue_photos, settings):
    settings.CLASSIFY_BATCH_SIZE = 3
    photos = queue_photos(5)
    submission_classify(submission_id=photos[4].pk)
    assert [state(photo) for photo in photos] == [
        ("done", 1),
        ("done", 1),
        ("pending", 0),
        ("pending", 0),
        ("done", 1),
    ]
    # The task of a photo another task took finds it done, and leaves it alone.
    submission_classify(submission_id=photos[0].pk)
    assert state(photos[0]) == ("done", 1)


def test_a_photo_that_cannot_be_read_fails_alone(queue_photos, settings):
    settings.CLASSIFY_BATCH_SIZE = 2
    broken, fine = queue_photos(2)
    storages["originals"].delete(broken.original.name)  # what the served copies are made of
    submission_classify(submission_id=fine.pk)
    broken.refresh_from_db()
    assert broken.status == "failed"
    assert broken.error.startswith("Classification failed: FileNotFoundError")
    assert state(fine) == ("done", 1)


def test_the_served_copies_are_made_first_and_the_model_sees_them(queue_photos):
    [photo] = queue_photos(1)
    assert not photo.image and not photo.thumbnail  # the upload stored the original only
    submission_classify(submission_id=photo.pk)
    photo.refresh_from_db()
    served = Image.open(storages["default"].open(photo.image.name))
    assert (served.format, served.size) == ("JPEG", (photo.width, photo.height))
    assert max(Image.open(storages["default"].open(photo.thumbnail.name)).size) == 480
    assert metadata_segments(storages["default"].open(photo.image.name).read()) == []


def test_a_second_run_reads_the_served_copy_it_made_before(queue_photos):
    [photo] = queue_photos(1)
    submission_classify(submission_id=photo.pk)
    made = Submission.objects.get(pk=photo.pk)
    # Queued again, as a stale claim is (submissions_requeue_stale), with only the served
    # copy left to read.
    Submission.objects.filter(pk=photo.pk).update(status="pending")
    storages["originals"].delete(made.original.name)
    submission_classify(submission_id=photo.pk)
    assert state(photo) == ("done", 2)
    assert Submission.objects.get(pk=photo.pk).image.name == made.image.name


def test_storage_down_when_making_the_copies_fails_the_photo_and_keeps_nothing(
    queue_photos, isolated_storage
):
    [photo] = queue_photos(1)
    (isolated_storage / "media").write_text("a file where the folder should be")
    submission_classify(submission_id=photo.pk)
    photo.refresh_from_db()
    assert photo.status == "failed" and "Photo storage was unavailable" in photo.error
    assert not photo.image and stored_files(isolated_storage / "originals") != []
    (isolated_storage / "media").unlink()
    assert services.submission_retry(submission=photo)  # storage back: the owner tries again
    submission_classify(submission_id=photo.pk)
    assert state(photo) == ("done", 1)  # a retry starts the count again


def test_a_photo_claimed_elsewhere_is_left_alone(queue_photos):
    [photo] = queue_photos(1)
    Submission.objects.filter(pk=photo.pk).update(status="processing", attempts=1)
    submission_classify(submission_id=photo.pk)
    assert state(photo) == ("processing", 1)


@pytest.mark.parametrize(
    ("configured", "device", "size"),
    [(0, "cpu", 1), (0, "cuda:0", 8), (0, "tensorrt", 8), (3, "cpu", 3), (16, "cuda", 16)],
)
def test_batch_size_follows_the_device_unless_set(settings, configured, device, size):
    settings.CLASSIFY_BATCH_SIZE = configured
    assert classify_batch_size(device) == size
