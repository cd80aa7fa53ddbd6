"""Backpressure: with BIRDAI_MAX_BACKLOG photos waiting for the worker, an upload is
refused with 503 and Retry-After, and nothing of it is kept."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from submissions.models import Submission
from submissions.services import submission_create
from tests.conftest import stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_backlog(settings, bob, make_photo, isolated_storage):
    """Two of bob's photos wait for the worker, and two is the limit: the queue is full."""
    settings.MAX_BACKLOG = 2
    for _ in range(2):
        submission_create(owner=bob, upload=SimpleUploadedFile("b.jpg", make_photo()))
    return stored_files(isolated_storage)


def api_upload(client, token, data):
    photo = SimpleUploadedFile("squirrel.jpg", data)
    return client.post(
        "/api/v1/submissions", {"image": photo}, headers={"Authorization": f"Bearer {token}"}
    )


def test_the_api_answers_503_with_retry_after_and_keeps_nothing(
    client, alice_token, make_photo, full_backlog, isolated_storage
):
    response = api_upload(client, alice_token, make_photo(gps=(51.5, -0.12)))
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "waiting to be classified" in response.json()["detail"]
    assert not Submission.objects.filter(owner__username="alice").exists()
    assert stored_files(isolated_storage) == full_backlog  # bob's files, no more


def test_the_upload_page_answers_503_with_the_message(
    alice_client, make_photo, full_backlog, isolated_storage
):
    photo = SimpleUploadedFile("squirrel.jpg", make_photo())
    page = alice_client.post("/submissions/new/", {"image": photo})
    assert page.status_code == 503 and int(page["Retry-After"]) > 0
    assert "waiting to be classified" in page.content.decode()
    photo = SimpleUploadedFile("squirrel.jpg", make_photo())
    script = alice_client.post(
        "/submissions/new/", {"image": photo}, headers={"Accept": "application/json"}
    )
    assert script.status_code == 503 and "waiting to be classified" in script.json()["detail"]
    assert not Submission.objects.filter(owner__username="alice").exists()
    assert stored_files(isolated_storage) == full_backlog


def test_a_photo_being_classified_still_counts_and_a_classified_one_frees_a_place(
    client, alice_token, make_photo, full_backlog
):
    first = Submission.objects.filter(owner__username="bob").first()
    Submission.objects.filter(pk=first.pk).update(status=Submission.Status.PROCESSING)
    assert api_upload(client, alice_token, make_photo()).status_code == 503
    Submission.objects.filter(pk=first.pk).update(status=Submission.Status.DONE)
    assert api_upload(client, alice_token, make_photo()).status_code == 201
    assert api_upload(client, alice_token, make_photo()).status_code == 503  # full again


def test_0_means_no_limit(settings, client, alice_token, make_photo, full_backlog):
    settings.MAX_BACKLOG = 0
    for _ in range(3):
        assert api_upload(client, alice_token, make_photo()).status_code == 201
