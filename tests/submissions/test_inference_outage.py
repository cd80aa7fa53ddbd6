"""The worker's side when the inference service is down: photos wait, and never fail for it.

submission_classify runs in this process with BIRDAI_INFERENCE_URL pointing at a
real inference service (a subprocess), which the test stops and starts again.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

import classifier
from submissions import services
from submissions.classification import submission_classify
from submissions.models import Submission

pytestmark = pytest.mark.django_db


def queued_again(photo: Submission) -> tuple[list, timedelta]:
    """The photo's task now: its arguments, and how long from now it waits to run."""
    task = DBTaskResult.objects.get(id=photo.task_id)
    return task.args_kwargs["args"], task.run_after - timezone.now()


@pytest.mark.model
def test_a_photo_waits_out_an_outage_then_is_classified(
    start_inference, untrained_onnx, alice, make_photo, monkeypatch, settings
) -> None:
    settings.CLASSIFY_MAX_ATTEMPTS = 1  # a failed try would be the last: none may count
    service = start_inference(untrained_onnx)
    monkeypatch.setenv("BIRDAI_INFERENCE_URL", service.url)
    classifier.load_detector_from_env()  # connected, as at a worker's start
    photo = services.submission_create(owner=alice, upload=ContentFile(make_photo(), "a.jpg"))
    photo.refresh_from_db()
    queued_at, first_task = photo.queued_at, photo.task_id
    service.stop()

    # Each try finds it down: the photo goes back in the line, the wait doubling to 5 min.
    for retries, wait in [(0, 5), (1, 10), (2, 20), (6, 300), (40, 300)]:
        submission_classify(submission_id=photo.pk, outage_retries=retries)
        photo.refresh_from_db()
        assert (photo.status, photo.attempts) == ("pending", 0)
        assert photo.error == f"Waiting for the inference service; next try in {wait} s."
        args, waits = queued_again(photo)
        assert args == [str(photo.pk), retries + 1]
        assert timedelta(seconds=wait - 3) < waits <= timedelta(seconds=wait)
    assert photo.task_id != first_task
    assert photo.queued_at == queued_at  # its place in the line is kept

    service.start()  # back, on the same address
    submission_classify(submission_id=photo.pk, outage_retries=41)
    photo.refresh_from_db()
    assert (photo.status, photo.attempts, photo.error) == ("done", 1, "")
    assert photo.model_name == "yolov8s-worldv2-untrained"


@pytest.mark.model
@pytest.mark.django_db(transaction=True)  # the photos are classified in threads of their own
def test_a_service_killed_mid_batch_loses_no_photo(
    start_inference, untrained_onnx, alice, make_photo, monkeypatch
) -> None:
    service = start_inference(untrained_onnx)
    monkeypatch.setenv("BIRDAI_INFERENCE_URL", service.url)
    classifier.load_detector_from_env()
    photos = [
        services.submission_create(owner=alice, upload=ContentFile(make_photo(), f"{n}.jpg"))
        for n in range(8)
    ]

    def classify(photo: Submission) -> None:
        try:
            submission_classify(submission_id=photo.pk, outage_retries=0)
        finally:
            connection.close()  # this thread's own connection

    # Eight at once: the service takes them as batches, and is killed while it runs them.
    with ThreadPoolExecutor(len(photos)) as pool:
        running = [pool.submit(classify, photo) for photo in photos]
        time.sleep(0.3)
        service.kill()
        for each in running:
            each.result()
    after_kill = {p.pk: p for p in Submission.objects.filter(pk__in=[p.pk for p in photos])}
    waiting = [p for p in after_kill.values() if p.status == "pending"]
    assert waiting, "the service finished every photo before it was killed: kill sooner"
    assert {p.status for p in after_kill.values()} <= {"pending", "done"}
    assert all(p.attempts == 0 and p.error.startswith("Waiting for") for p in waiting)

    service.start()
    for photo in waiting:
        submission_classify(submission_id=photo.pk, outage_retries=1)
    for photo in Submission.objects.filter(pk__in=after_kill):
        assert (photo.status, photo.error) == ("done", "")
        assert photo.attempts == 1  # each was run once, to the end
        found = [(d.label, d.confidence, d.x1, d.y1, d.x2, d.y2) for d in photo.detections.all()]
        assert len(found) == len(set(found))


def test_a_late_requeue_of_a_claim_no_longer_current_does_nothing(alice, make_photo) -> None:
    photo = services.submission_create(owner=alice, upload=ContentFile(make_photo(), "a.jpg"))
    [claimed] = services.submissions_claim(submission_id=photo.pk, batch_size=1)
    Submission.objects.filter(pk=photo.pk).update(status=Submission.Status.DONE)
    later = services.submission_requeue_later(
        submission=claimed, delay=timedelta(seconds=5), outage_retries=1
    )
    photo.refresh_from_db()
    assert (later, photo.status, photo.task_id) == (False, "done", claimed.task_id)
