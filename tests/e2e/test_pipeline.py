"""Upload → queue → worker → result, with the real worker process and model."""

import signal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tasks_db.models import DBTaskResult

from birdai.submissions.models import Submission
from tests.e2e.conftest import wait_for

pytestmark = pytest.mark.model


def upload(client: Client, token: str, data: bytes) -> str:
    response = client.post(
        "/api/v1/submissions",
        {"image": SimpleUploadedFile("squirrel.jpg", data)},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def status_of(submission_id: str) -> str:
    return Submission.objects.get(pk=submission_id).status


def test_uploaded_photo_is_classified_by_the_worker(start_worker, client, alice_token, make_photo):
    start_worker()
    submission_id = upload(client, alice_token, make_photo(size=(800, 450)))
    wait_for(lambda: status_of(submission_id) == "done", timeout=180, what="classification")

    submission = Submission.objects.get(pk=submission_id)
    assert submission.model_name == "yolov8s-worldv2-untrained"
    assert submission.model_classes == ["squirrel", "bird", "person", "dog", "cat"]
    assert submission.device == "cpu"
    assert submission.inference_ms > 0
    assert submission.attempts == 1 and submission.error == ""
    assert DBTaskResult.objects.get(id=submission.task_id).status == "SUCCESSFUL"
    body = client.get(
        f"/api/v1/submissions/{submission_id}", headers={"Authorization": f"Bearer {alice_token}"}
    ).json()
    assert body["status"] == "done"
    assert body["model"]["name"] == "yolov8s-worldv2-untrained"
    # An untrained model normally finds nothing; whatever it finds must be well formed.
    for found in body["detections"]:
        assert found["label"] in body["model"]["classes"]


def test_work_of_a_killed_worker_is_picked_up_again(start_worker, client, alice_token, make_photo):
    # At 2560 px the model takes seconds per photo: time to catch it mid-task
    # and kill it (SIGKILL: no cleanup of any kind).
    doomed = start_worker(BIRDAI_MODEL_IMGSZ="2560")
    submission_id = upload(client, alice_token, make_photo())
    wait_for(lambda: status_of(submission_id) == "processing", timeout=120, what="the claim")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    assert status_of(submission_id) == "processing"

    start_worker(BIRDAI_CLASSIFY_TIMEOUT="5", BIRDAI_SWEEP_INTERVAL="1")
    wait_for(lambda: status_of(submission_id) == "done", timeout=180, what="the retry")
    assert Submission.objects.get(pk=submission_id).attempts == 2


def test_worker_without_a_model_refuses_to_start_and_nothing_is_lost(
    start_worker, client, alice_token, make_photo, tmp_path
):
    worker = start_worker(BIRDAI_MODEL_WEIGHTS=str(tmp_path / "absent.pt"))
    submission_id = upload(client, alice_token, make_photo())
    assert worker.wait(timeout=60) != 0
    log = (tmp_path / "worker-0.log").read_text()
    assert "The worker cannot start" in log and "fetch-weights" in log
    assert status_of(submission_id) == "pending"
