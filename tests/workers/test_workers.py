"""The worker registry: what a worker reports about itself, and when it leaves."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import CLASSES
from workers import services
from workers.models import Worker

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("worker_model")
def test_heartbeat_reports_the_loaded_model():
    first = services.worker_heartbeat()
    again = services.worker_heartbeat()
    assert Worker.objects.get() == first == again, "one row per worker process"
    assert again.last_seen_at > first.last_seen_at
    assert (again.model["backend"], again.model["device"]) == ("onnx", "cpu")
    assert again.model["classes"] == list(CLASSES)
    assert (again.batch_size, again.error) == (1, "")


def test_a_worker_that_cannot_start_says_why_and_a_stopped_one_leaves():
    services.worker_failed(error="No manifest beside models/m.onnx")
    assert Worker.objects.failed().get().error == "No manifest beside models/m.onnx"
    services.worker_stopped()
    assert not Worker.objects.exists()


@pytest.mark.usefixtures("worker_model")
def test_workers_silent_for_a_day_are_forgotten():
    Worker.objects.create(name="dead:1", last_seen_at=timezone.now() - timedelta(days=2))
    Worker.objects.create(name="quiet:2", last_seen_at=timezone.now() - timedelta(hours=2))
    services.worker_heartbeat()
    assert set(Worker.objects.values_list("name", flat=True)) == {"quiet:2", services.worker_name()}
