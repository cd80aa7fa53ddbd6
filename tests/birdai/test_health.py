from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.utils import timezone

from workers.models import Worker

pytestmark = pytest.mark.django_db

DESCRIPTION = {
    "backend": "onnx",
    "model": "yolov8l-worldv2",
    "weights": "/srv/models/yolov8l-worldv2.onnx",
    "device": "cuda:0",
    "classes": ["squirrel", "bird"],
    "imgsz": 640,
    "untrained": False,
}


@pytest.fixture
def serving_worker() -> Worker:
    """A worker that loaded its model and reported in just now."""
    return Worker.objects.create(name="gpu-1:41", model=DESCRIPTION, batch_size=8)


def test_healthz_needs_nothing_but_the_process(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_readyz_checks_everything_and_names_the_model(client, serving_worker):
    Worker.objects.create(name="gpu-2:7", model=DESCRIPTION, batch_size=8)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "ready": True,
        "checks": {"database": "ok", "storage": "ok", "queue": "ok", "worker": "ok"},
        "model": {
            "model": "yolov8l-worldv2",
            "backend": "onnx",
            "device": "cuda:0",
            "classes": ["squirrel", "bird"],
            "imgsz": 640,
            "untrained": False,
            "batch_size": 8,
            "workers": 2,
        },
    }
    assert "/srv" not in response.content.decode(), "no server paths in a public answer"


def test_readyz_is_503_without_a_worker(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["worker"].startswith("error: no worker has reported in the last 30 s")
    assert body["model"] is None


def test_a_silent_worker_counts_as_gone(client, serving_worker):
    Worker.objects.update(last_seen_at=timezone.now() - timedelta(seconds=31))
    assert client.get("/readyz").status_code == 503


def test_readyz_says_why_a_worker_cannot_start(client):
    Worker.objects.create(name="cpu-1:9", error="Checksum mismatch for models/m.onnx")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == (
        "error: worker cpu-1:9 cannot start: Checksum mismatch for models/m.onnx"
    )


def test_readyz_can_leave_the_worker_out(client, settings):
    settings.READY_NEEDS_WORKER = False
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["worker"].startswith("error: no worker")


def test_readyz_is_503_when_storage_is_not_writable(client, isolated_storage, serving_worker):
    media = isolated_storage / "media"
    media.parent.mkdir(exist_ok=True)
    media.write_text("a file where the folder should be")
    assert storages["default"].location == str(media)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"].startswith("error:")


def test_readyz_writes_its_probe_to_s3_and_removes_it(client, serving_worker, s3):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["storage"] == "ok"
    assert s3.keys() == set()


def test_readyz_is_503_when_s3_is_down(client, serving_worker, s3_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"].startswith("error: EndpointConnectionError")
