"""Upload → queue → worker → result, with the real worker process and model."""

import shutil
import signal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tasks_db.models import DBTaskResult

from submissions.models import Submission
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


def readyz(client: Client) -> dict:
    return client.get("/readyz").json()


def test_uploaded_photo_is_classified_by_the_worker(start_worker, client, alice_token, make_photo):
    assert readyz(client)["checks"]["worker"].startswith("error: no worker has reported")
    start_worker()
    ready = wait_for(lambda: readyz(client)["ready"], timeout=120, what="a ready worker")
    assert ready
    model = readyz(client)["model"]
    assert (model["model"], model["backend"], model["device"]) == (
        "yolov8s-worldv2-untrained",
        "onnx",
        "cpu",
    )
    assert (model["batch_size"], model["workers"], model["untrained"]) == (1, 1, True)
    assert model["precision"] == "fp32" and model["precision_reason"].startswith("fp32")
    submission_id = upload(client, alice_token, make_photo(size=(800, 450)))
    wait_for(lambda: status_of(submission_id) == "done", timeout=180, what="classification")

    submission = Submission.objects.get(pk=submission_id)
    assert submission.model_name == "yolov8s-worldv2-untrained"
    assert submission.model_classes == ["squirrel", "bird", "person", "dog", "cat"]
    assert submission.device == "cpu"
    assert submission.precision == "fp32"  # untrained: no variant passes the fidelity gate
    assert submission.inference_ms > 0
    assert submission.attempts == 1 and submission.error == ""
    assert DBTaskResult.objects.get(id=submission.task_id).status == "SUCCESSFUL"
    body = client.get(
        f"/api/v1/submissions/{submission_id}", headers={"Authorization": f"Bearer {alice_token}"}
    ).json()
    assert body["status"] == "done"
    assert body["model"]["name"] == "yolov8s-worldv2-untrained"
    assert body["model"]["precision"] == "fp32"
    # An untrained model normally finds nothing; whatever it finds must be well formed.
    for found in body["detections"]:
        assert found["label"] in body["model"]["classes"]


def test_work_of_a_killed_worker_is_picked_up_again(start_worker, client, alice_token, make_photo):
    # At 2560 px the model takes seconds per photo: time to catch it mid-task
    # and kill it (SIGKILL: no cleanup of any kind).
    doomed = start_worker(backend="torch", BIRDAI_MODEL_IMGSZ="2560")
    submission_id = upload(client, alice_token, make_photo())
    wait_for(lambda: status_of(submission_id) == "processing", timeout=120, what="the claim")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    assert status_of(submission_id) == "processing"

    # The second worker serves the ONNX build: either backend can take over. At a
    # threshold of 1e-5 the untrained head (scores about 5e-5) finds things, so the
    # photo's detections can be counted: one set, none twice.
    start_worker(
        BIRDAI_CLASSIFY_TIMEOUT="5", BIRDAI_SWEEP_INTERVAL="1", BIRDAI_MODEL_CONFIDENCE="0.00001"
    )
    wait_for(lambda: status_of(submission_id) == "done", timeout=180, what="the retry")
    submission = Submission.objects.get(pk=submission_id)
    assert submission.attempts == 2
    found = [(d.label, d.confidence, d.x1, d.y1, d.x2, d.y2) for d in submission.detections.all()]
    assert found and len(found) == len(set(found))


def test_queued_photos_are_claimed_and_run_as_one_batch(
    start_worker, client, alice_token, make_photo
):
    # The batch size is forced here; by default a CPU worker takes one photo at a time.
    ids = [upload(client, alice_token, make_photo(size=(640, 480 - 32 * n))) for n in range(4)]
    start_worker(BIRDAI_CLASSIFY_BATCH_SIZE="4")
    wait_for(lambda: all(status_of(i) == "done" for i in ids), timeout=180, what="the batch")
    batch = Submission.objects.filter(pk__in=ids)
    assert {s.attempts for s in batch} == {1}
    assert len({s.started_at for s in batch}) == 1, "claimed together"
    assert len({s.inference_ms for s in batch}) == 1, "one pass, its time shared"
    # The other three tasks ran too, found their photo taken, and did nothing.
    wait_for(
        lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 4,
        timeout=30,
        what="the remaining tasks",
    )
    assert readyz(client)["model"]["batch_size"] == 4


def damaged_copy(onnx: Path, folder: Path) -> Path:
    """A copy of the model and manifest whose model file lost its second half."""
    copy = folder / onnx.name
    shutil.copy(onnx.with_suffix(".json"), copy.with_suffix(".json"))
    data = onnx.read_bytes()
    copy.write_bytes(data[: len(data) // 2])
    return copy


@pytest.mark.parametrize(
    ("model", "says"),
    [
        (lambda onnx, tmp: tmp / "absent.pt", "fetch-weights"),
        (lambda onnx, tmp: tmp / "absent.onnx", "python -m classifier build"),
        (damaged_copy, "Checksum mismatch"),
    ],
    ids=["missing-pt", "missing-onnx", "truncated-onnx"],
)
def test_worker_without_a_usable_model_refuses_to_start_and_nothing_is_lost(
    start_worker, client, alice_token, make_photo, untrained_onnx, tmp_path, model, says
):
    worker = start_worker(BIRDAI_MODEL_WEIGHTS=str(model(untrained_onnx, tmp_path)))
    submission_id = upload(client, alice_token, make_photo())
    assert worker.wait(timeout=60) != 0
    log = (tmp_path / "worker-0.log").read_text()
    assert "The worker cannot start" in log and says in log
    assert status_of(submission_id) == "pending"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "cannot start" in response.json()["checks"]["worker"]
    assert says in response.json()["checks"]["worker"]
