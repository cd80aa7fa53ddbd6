"""The worker with BIRDAI_INFERENCE_URL: real worker, real inference service, real queue."""

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django_tasks_db.models import DBTaskResult
from PIL import Image

from classifier import Box, Detection, ModelConfig, load_detector
from submissions import services, storage
from submissions.models import Submission
from tests.classifier.compare import noise
from tests.classifier.conftest import lively_onnx, lively_weights  # noqa: F401 - fixtures
from tests.e2e.conftest import wait_for
from tests.inference_service import assert_same_detections

pytestmark = pytest.mark.model


def queue_noise(owner, seed: int) -> Submission:
    buffer = io.BytesIO()
    noise(800, 450, seed).save(buffer, "JPEG", quality=90)
    return services.submission_create(owner=owner, upload=ContentFile(buffer.getvalue(), "n.jpg"))


def found(submission: Submission) -> list[Detection]:
    """What the worker stored, best first."""
    return [
        Detection(d.label, d.confidence, Box(d.x1, d.y1, d.x2, d.y2))
        for d in submission.detections.order_by("-confidence")
    ]


def test_the_worker_classifies_through_the_service_as_it_would_in_process(
    start_inference,
    start_worker,
    lively_onnx: Path,  # noqa: F811 - the fixture imported above
    alice,
    client: Client,
) -> None:
    service = start_inference(
        lively_onnx,
        BIRDAI_MODEL_CONFIDENCE="0.05",
        BIRDAI_INFERENCE_BATCH_SIZE="2",
        BIRDAI_INFERENCE_BATCH_WAIT_MS="10000",  # it leaves once it holds 2
    )
    photos = [queue_noise(alice, seed) for seed in (1, 2)]
    # The worker claims both as one batch and sends them at once: one batch at the server.
    start_worker(BIRDAI_INFERENCE_URL=service.url, BIRDAI_CLASSIFY_BATCH_SIZE="2")
    wait_for(
        lambda: all(Submission.objects.get(pk=p.pk).status == "done" for p in photos),
        timeout=180,
        what="classification through the inference service",
    )
    assert service.readyz()["batches"] == {"2": 1}

    config = ModelConfig(weights=lively_onnx, device="cpu", sha256=None, confidence=0.05)
    for photo in photos:
        photo.refresh_from_db()  # the worker named its served copies
    files = [storage.served_image_open(p.image.name) for p in photos]
    runs = load_detector(config).detect_batch([Image.open(io.BytesIO(f)) for f in files])
    for photo, run in zip(photos, runs, strict=True):
        photo.refresh_from_db()
        assert (photo.model_name, photo.device, photo.attempts) == (lively_onnx.stem, "cpu", 1)
        assert len(run.detections) > 3
        best_first = sorted(run.detections, key=lambda d: -d.confidence)
        assert_same_detections(found(photo), best_first)
    # The worker reports the model the service serves, for the web tier's /readyz.
    model = wait_for(lambda: client.get("/readyz").json()["model"], timeout=30, what="a report")
    assert (model["model"], model["backend"], model["batch_size"]) == (lively_onnx.stem, "onnx", 2)


def test_photos_wait_while_the_service_is_down_and_are_classified_once_it_is_back(
    start_inference, start_worker, untrained_onnx: Path, alice, client: Client
) -> None:
    service = start_inference(untrained_onnx)
    start_worker(BIRDAI_INFERENCE_URL=service.url)
    wait_for(lambda: client.get("/readyz").json()["ready"], timeout=120, what="a ready worker")
    service.stop()
    photo = queue_noise(alice, seed=3)
    seen: set[str] = set()  # every status the photo had, as often as we looked

    def now() -> Submission:
        current = Submission.objects.get(pk=photo.pk)
        seen.add(current.status)
        return current

    wait_for(lambda: "next try in 5 s" in now().error, timeout=60, what="the first wait")
    wait_for(lambda: "next try in 10 s" in now().error, timeout=60, what="a longer one")
    service.start()
    wait_for(lambda: now().status == "done", timeout=60, what="the photo, done")

    photo.refresh_from_db()
    assert (photo.status, photo.attempts, photo.error) == ("done", 1, "")
    assert "failed" not in seen
    tasks = DBTaskResult.objects.filter(args_kwargs__args__0=str(photo.pk)).order_by("enqueued_at")
    waits = [round((t.run_after - t.enqueued_at).total_seconds()) for t in tasks[1:]]
    assert waits == [5, 10]
    assert [t.status for t in tasks] == ["SUCCESSFUL"] * 3
