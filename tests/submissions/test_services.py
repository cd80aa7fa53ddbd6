"""Storing a submission, queueing it, and recovering work a dead worker left."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import DatabaseError
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from submissions import services
from submissions.images import ImageRejected
from submissions.models import Submission
from submissions.services import uploads
from submissions.storage import StorageUnavailable
from tests.conftest import stored_files

pytestmark = pytest.mark.django_db


def upload(data: bytes, name: str = "squirrel.jpg") -> ContentFile:
    return ContentFile(data, name=name)


def test_create_stores_files_position_and_queues_a_task(alice, make_photo, isolated_storage):
    submission = services.submission_create(
        owner=alice, upload=upload(make_photo(gps=(43.467448, 11.885127)))
    )
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING
    assert submission.location.y == pytest.approx(43.467448, abs=1e-5)
    assert submission.location.x == pytest.approx(11.885127, abs=1e-5)
    assert submission.captured_at is not None
    # Only the original: the served copies are the worker's first step (test_classification).
    assert [path.name for path in stored_files(isolated_storage)] == ["original.jpg"]
    assert (submission.image.name, submission.thumbnail.name) == ("", "")
    task = DBTaskResult.objects.get(id=submission.task_id)
    assert task.status == TaskResultStatus.READY
    assert task.args_kwargs["args"] == [str(submission.pk)]


def test_photo_without_gps_has_no_location(alice, make_photo):
    submission = services.submission_create(owner=alice, upload=upload(make_photo()))
    assert submission.location is None


def test_refused_upload_stores_nothing(alice, isolated_storage):
    with pytest.raises(ImageRejected):
        services.submission_create(owner=alice, upload=upload(b"not an image"))
    assert not Submission.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert stored_files(isolated_storage) == []


def test_database_failure_removes_the_stored_files(
    alice, make_photo, isolated_storage, monkeypatch
):
    def broken_enqueue(submission):
        raise DatabaseError("queue table is gone")

    monkeypatch.setattr(uploads, "submission_enqueue", broken_enqueue)
    with pytest.raises(DatabaseError):
        services.submission_create(owner=alice, upload=upload(make_photo()))
    assert not Submission.objects.exists()
    assert stored_files(isolated_storage) == []


def test_unwritable_storage_is_unavailable_and_keeps_nothing(alice, make_photo, isolated_storage):
    (isolated_storage / "originals").write_text("a file where the folder should be")
    with pytest.raises(StorageUnavailable):
        services.submission_create(owner=alice, upload=upload(make_photo()))
    assert not Submission.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert [path.name for path in stored_files(isolated_storage)] == ["originals"]


def make_submission(owner, make_photo, **state) -> Submission:
    submission = services.submission_create(owner=owner, upload=upload(make_photo()))
    Submission.objects.filter(pk=submission.pk).update(**state)
    submission.refresh_from_db()
    return submission


def test_retry_queues_a_failed_submission_again(alice, make_photo):
    failed = make_submission(alice, make_photo, status="failed", error="boom", attempts=3)
    assert services.submission_retry(submission=failed)
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == ("pending", 0, "")
    assert DBTaskResult.objects.filter(id=failed.task_id, status="READY").exists()


def test_retry_leaves_an_unfinished_submission_alone(alice, make_photo):
    pending = make_submission(alice, make_photo)
    assert not services.submission_retry(submission=pending)


def test_stuck_processing_is_queued_again(alice, make_photo, settings):
    long_ago = timezone.now() - timedelta(seconds=settings.CLASSIFY_TIMEOUT + 5)
    stuck = make_submission(alice, make_photo, status="processing", attempts=1, started_at=long_ago)
    old_task = stuck.task_id
    assert services.submissions_requeue_stale() == 1
    stuck.refresh_from_db()
    assert stuck.status == "pending"
    assert stuck.task_id != old_task


def test_recently_started_work_is_left_alone(alice, make_photo):
    make_submission(alice, make_photo, status="processing", attempts=1, started_at=timezone.now())
    assert services.submissions_requeue_stale() == 0


def test_stuck_too_often_fails_for_good(alice, make_photo, settings):
    long_ago = timezone.now() - timedelta(seconds=settings.CLASSIFY_TIMEOUT + 5)
    stuck = make_submission(
        alice,
        make_photo,
        status="processing",
        attempts=settings.CLASSIFY_MAX_ATTEMPTS,
        started_at=long_ago,
    )
    assert services.submissions_requeue_stale() == 0
    stuck.refresh_from_db()
    assert stuck.status == "failed"
    assert "giving up" in stuck.error


def test_pending_whose_task_was_lost_is_queued_again(alice, make_photo, settings):
    long_ago = timezone.now() - timedelta(seconds=settings.CLASSIFY_TIMEOUT + 5)
    lost = make_submission(alice, make_photo, queued_at=long_ago)
    DBTaskResult.objects.filter(id=lost.task_id).delete()
    assert services.submissions_requeue_stale() == 1


def test_pending_with_a_waiting_task_is_left_alone(alice, make_photo, settings):
    long_ago = timezone.now() - timedelta(seconds=settings.CLASSIFY_TIMEOUT + 5)
    make_submission(alice, make_photo, queued_at=long_ago)
    assert services.submissions_requeue_stale() == 0
