"""The favicon, and what the pages say about the worker and its model."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from submissions.models import Submission
from tests.submissions.test_history import classified
from workers.models import Worker

pytestmark = pytest.mark.django_db
TRAINED = {"model": "yolov8l-worldv2", "untrained": False, "classes": ["bird"]}


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/birdai/favicon.svg"
    icon = finders.find("birdai/favicon.svg")
    assert Path(icon).read_text().startswith('<svg xmlns="http://www.w3.org/2000/svg"')


def test_every_page_names_the_icon(client):
    assert 'rel="icon" href="/static/birdai/favicon.svg"' in client.get("/").content.decode()


def upload_page(client) -> str:
    response = client.get("/submissions/new/")
    assert response.status_code == 200
    return response.content.decode()


def test_upload_page_says_when_no_worker_is_ready(alice_client):
    assert 'id="no-worker"' in upload_page(alice_client)


def test_upload_page_is_quiet_with_a_fresh_heartbeat(alice_client):
    Worker.objects.create(name="cpu-1:7", model=TRAINED)
    page = upload_page(alice_client)
    assert 'id="no-worker"' not in page and 'id="untrained-model"' not in page


def test_a_worker_that_missed_three_heartbeats_is_not_ready(alice_client, settings):
    gone = timezone.now() - timedelta(seconds=3 * settings.WORKER_HEARTBEAT + 1)
    Worker.objects.create(name="cpu-1:7", model=TRAINED, last_seen_at=gone)
    assert 'id="no-worker"' in upload_page(alice_client)


def test_a_worker_that_cannot_load_its_model_is_not_ready(alice_client):
    Worker.objects.create(name="cpu-1:7", error="models/yolov8l-worldv2.onnx does not exist")
    assert 'id="no-worker"' in upload_page(alice_client)


def test_upload_page_says_when_the_model_is_untrained(alice_client):
    Worker.objects.create(name="cpu-1:7", model=TRAINED | {"untrained": True})
    page = upload_page(alice_client)
    assert 'id="untrained-model"' in page and 'id="no-worker"' not in page


def test_a_result_of_the_untrained_model_says_so(alice_client, alice):
    result = classified(alice, "park.jpg", [])
    Submission.objects.filter(pk=result.pk).update(
        model_name="yolov8l-worldv2-untrained", device="cpu", inference_ms=900.0
    )
    page = alice_client.get(result.get_absolute_url()).content.decode()
    assert 'id="untrained-model"' in page
    api = alice_client.get(f"/api/v1/submissions/{result.pk}").json()
    assert api["model"]["name"] == "yolov8l-worldv2-untrained"


def test_a_result_of_the_trained_model_has_no_such_notice(alice_client, alice):
    result = classified(alice, "park.jpg", [])
    Submission.objects.filter(pk=result.pk).update(model_name="yolov8l-worldv2", device="cpu")
    assert (
        'id="untrained-model"' not in alice_client.get(result.get_absolute_url()).content.decode()
    )
