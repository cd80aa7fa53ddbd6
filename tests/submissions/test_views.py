"""The pages: upload form, history, a submission with its boxes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from submissions.models import Detection, Submission
from tests.submissions.photos import with_copies

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, name: str = "squirrel.jpg", **headers):
    return client.post(
        "/submissions/new/", {"image": SimpleUploadedFile(name, data)}, headers=headers
    )


def test_pages_need_a_login(client):
    response = client.get("/submissions/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_upload_form_redirects_to_the_new_submission(alice_client, make_photo):
    response = upload(alice_client, make_photo())
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == submission.get_absolute_url()


def test_upload_by_script_gets_json(alice_client, make_photo):
    response = upload(alice_client, make_photo(), Accept="application/json")
    assert response.status_code == 201
    assert response.json()["url"] == Submission.objects.get().get_absolute_url()


def test_refused_upload_shows_the_message(alice_client):
    page = upload(alice_client, b"plain text", "notes.txt")
    assert page.status_code == 415
    assert "does not end in .jpg" in page.content.decode()
    as_json = upload(alice_client, b"plain text", "notes.txt", Accept="application/json")
    assert "does not end in .jpg" in as_json.json()["detail"]
    assert not Submission.objects.exists()


def test_history_shows_only_my_photos_newest_first(alice_client, bob_client, make_photo):
    for name in ["first.jpg", "second.jpg"]:
        upload(alice_client, make_photo(), name)
    upload(bob_client, make_photo(), "bobs.jpg")
    page = alice_client.get("/submissions/").content.decode()
    assert page.index("second.jpg") < page.index("first.jpg")
    assert "bobs.jpg" not in page


def test_history_is_paginated(alice_client, make_photo):
    for index in range(13):
        upload(alice_client, make_photo(size=(64, 48)), f"photo{index:02}.jpg")
    first = alice_client.get("/submissions/").content.decode()
    second = alice_client.get("/submissions/?page=2").content.decode()
    assert "photo12.jpg" in first and "photo00.jpg" not in first
    assert "photo00.jpg" in second and "Page 2 of 2" in second


def test_bob_gets_404_for_alices_submission(alice_client, bob_client, make_photo):
    upload(alice_client, make_photo())
    url = Submission.objects.get().get_absolute_url()
    assert alice_client.get(url).status_code == 200
    assert bob_client.get(url).status_code == 404
    assert bob_client.post(url + "retry/").status_code == 404


def test_pending_submission_polls_for_its_status(alice_client, make_photo):
    upload(alice_client, make_photo())
    submission = Submission.objects.get()
    page = alice_client.get(submission.get_absolute_url()).content.decode()
    assert 'data-status="pending"' in page
    assert f'data-poll-url="/api/v1/submissions/{submission.pk}"' in page


def test_done_submission_draws_its_boxes(alice_client, make_photo):
    # A test double for the model's output: this test is about how results are shown.
    upload(alice_client, make_photo(size=(400, 200)))
    submission = Submission.objects.get()
    Submission.objects.filter(pk=submission.pk).update(
        status="done",
        model_name="yolov8l-worldv2",
        device="cpu",
        inference_ms=812.0,
        model_classes=["squirrel", "bird"],
    )
    Detection.objects.create(
        submission=submission, label="squirrel", confidence=0.876, x1=100, y1=50, x2=300, y2=150
    )
    page = alice_client.get(submission.get_absolute_url()).content.decode()
    # Percentages in data-*: submission.js places the box (the CSP refuses style="").
    assert 'data-left="25.0" data-top="25.0" data-width="50.0" data-height="50.0"' in page
    assert "squirrel 0.88" in page and "0.876" in page
    assert "yolov8l-worldv2 on cpu" in page


def test_failed_submission_can_be_retried(alice_client, make_photo):
    upload(alice_client, make_photo())
    submission = Submission.objects.get()
    Submission.objects.filter(pk=submission.pk).update(status="failed", error="model missing")
    page = alice_client.get(submission.get_absolute_url()).content.decode()
    assert "model missing" in page and "Try again" in page
    alice_client.post(submission.get_absolute_url() + "retry/")
    submission.refresh_from_db()
    assert submission.status == "pending"


def test_served_image_is_reachable_and_the_original_is_not(alice_client, make_photo):
    upload(alice_client, make_photo(gps=(10.0, 20.0)))
    submission = with_copies(Submission.objects.get())
    served = alice_client.get(submission.image.url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content)[:2] == b"\xff\xd8"
    assert alice_client.get("/media/" + submission.original.name).status_code == 404


def test_until_the_worker_has_made_the_copies_the_pages_show_a_stand_in(alice_client, make_photo):
    upload(alice_client, make_photo())
    submission = Submission.objects.get()
    waiting = "/static/birdai/photo-waiting.svg"
    assert waiting in alice_client.get(submission.get_absolute_url()).content.decode()
    assert waiting in alice_client.get("/submissions/").content.decode()
    with_copies(submission)
    page = alice_client.get(submission.get_absolute_url()).content.decode()
    assert waiting not in page and "/media/submissions/" in page
