"""The JSON API as a script or the autograder uses it."""

import io

import pytest
from django.test import Client
from PIL import Image

from submissions.models import Detection, Submission
from submissions.storage import served_image_open
from tests.conftest import PASSWORD, metadata_segments, stored_files
from tests.submissions.photos import api_upload as post_photo
from tests.submissions.photos import with_copies

pytestmark = pytest.mark.django_db
API = "/api/v1"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post_credentials(client: Client, path: str, username: str, password: str):
    body = {"username": username, "password": password}
    return client.post(f"{API}{path}", body, content_type="application/json")


def test_sign_up_then_upload_with_the_token(client, make_photo):
    signed_up = post_credentials(client, "/accounts", "carol", PASSWORD)
    assert signed_up.status_code == 201
    created = post_photo(client, signed_up.json()["token"], make_photo(gps=(51.5, -0.12)))
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "pending"
    assert body["location"]["lat"] == pytest.approx(51.5, abs=1e-5)
    assert body["location"]["lon"] == pytest.approx(-0.12, abs=1e-5)
    assert body["image_url"] is body["thumbnail_url"] is None  # the worker makes them
    assert body["detections"] == [] and body["model"] is None
    with_copies(Submission.objects.get(pk=body["id"]))
    token = signed_up.json()["token"]
    fetched = client.get(f"{API}/submissions/{body['id']}", headers=bearer(token))
    assert fetched.json()["image_url"].startswith("http://testserver/media/submissions/")


def test_weak_password_is_refused_with_a_message(client):
    response = post_credentials(client, "/accounts", "dave", "123")
    assert response.status_code == 400
    assert "too short" in response.json()["detail"]


def test_token_from_username_and_password(client, alice):
    good = post_credentials(client, "/tokens", "alice", PASSWORD)
    assert good.status_code == 201
    assert client.get(f"{API}/submissions", headers=bearer(good.json()["token"])).status_code == 200
    wrong = post_credentials(client, "/tokens", "alice", "nope")
    assert wrong.status_code == 401


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer made-up"}])
def test_requests_without_a_valid_token_are_refused(client, headers):
    assert client.get(f"{API}/submissions", headers=headers).status_code == 401


def test_bad_upload_is_a_clear_4xx_and_stores_nothing(client, alice_token, isolated_storage):
    response = post_photo(client, alice_token, b"GIF89a but not really", "cat.jpg")
    assert response.status_code == 415
    assert response.json() == {"detail": "The file is not a JPEG, PNG, WebP or HEIC image."}
    assert not Submission.objects.exists() and stored_files(isolated_storage) == []


def test_iphone_heic_is_placed_and_served_upright(client, alice_token, make_photo):
    # As an iPhone stores it: sideways with orientation 6 (EXIF and the HEIF irot box).
    data = make_photo(format="HEIF", size=(400, 200), gps=(51.5, -0.12), orientation=6)
    created = post_photo(client, alice_token, data, "IMG_0042.HEIC")
    assert created.status_code == 201
    body = created.json()
    assert body["location"]["lat"] == pytest.approx(51.5, abs=1e-5)
    assert body["location"]["lon"] == pytest.approx(-0.12, abs=1e-5)
    assert body["captured_at"] is not None
    assert (body["width"], body["height"]) == (200, 400)
    served = served_image_open(with_copies(Submission.objects.get(pk=body["id"])).image.name)
    assert Image.open(io.BytesIO(served)).size == (200, 400)
    assert metadata_segments(served) == []


def test_heic_under_another_name_is_refused(client, alice_token, make_photo, isolated_storage):
    response = post_photo(client, alice_token, make_photo(format="HEIF"), "squirrel.webp")
    assert response.status_code == 415
    assert response.json() == {"detail": "The file is a HEIF image but its name ends in .webp."}
    assert not Submission.objects.exists() and stored_files(isolated_storage) == []


def test_missing_file_field_is_a_4xx(client, alice_token):
    response = client.post(f"{API}/submissions", {}, headers=bearer(alice_token))
    assert response.status_code in {400, 422}


def test_bob_cannot_see_alices_submission(client, alice_token, bob_token, make_photo):
    alices = post_photo(client, alice_token, make_photo()).json()
    assert (
        client.get(f"{API}/submissions/{alices['id']}", headers=bearer(bob_token)).status_code
        == 404
    )
    assert client.get(f"{API}/submissions", headers=bearer(bob_token)).json()["count"] == 0
    mine = client.get(f"{API}/submissions/{alices['id']}", headers=bearer(alice_token))
    assert mine.status_code == 200 and mine.json()["id"] == alices["id"]


def test_list_is_paginated_newest_first(client, alice_token, make_photo):
    ids = [post_photo(client, alice_token, make_photo()).json()["id"] for _ in range(22)]
    first = client.get(f"{API}/submissions", headers=bearer(alice_token)).json()
    second = client.get(f"{API}/submissions?page=2", headers=bearer(alice_token)).json()
    assert first["count"] == 22
    assert [item["id"] for item in first["items"]] == ids[::-1][:20]
    assert [item["id"] for item in second["items"]] == ids[::-1][20:]


def test_detections_are_returned_with_their_boxes(client, alice_token, make_photo):
    created = post_photo(client, alice_token, make_photo()).json()
    Detection.objects.create(
        submission_id=created["id"], label="squirrel", confidence=0.91, x1=10, y1=20, x2=110, y2=220
    )
    body = client.get(f"{API}/submissions/{created['id']}", headers=bearer(alice_token)).json()
    assert body["detections"] == [
        {"label": "squirrel", "confidence": 0.91, "box": {"x1": 10, "y1": 20, "x2": 110, "y2": 220}}
    ]


def test_retry_only_for_failed(client, alice_token, make_photo):
    created = post_photo(client, alice_token, make_photo()).json()
    url = f"{API}/submissions/{created['id']}/retry"
    assert client.post(url, headers=bearer(alice_token)).status_code == 409
    Submission.objects.filter(pk=created["id"]).update(status="failed")
    retried = client.post(url, headers=bearer(alice_token))
    assert retried.status_code == 202 and retried.json()["status"] == "pending"


def test_openapi_schema_is_published(client):
    schema = client.get(f"{API}/openapi.json").json()
    assert schema["info"]["title"] == "bird.ai API"
    assert {"/api/v1/submissions", "/api/v1/submissions/{submission_id}"} <= set(schema["paths"])
    assert (
        "multipart/form-data"
        in schema["paths"]["/api/v1/submissions"]["post"]["requestBody"]["content"]
    )


def test_session_cookie_works_for_the_sites_own_pages(alice_client, make_photo):
    assert alice_client.get(f"{API}/submissions").status_code == 200


def test_a_page_past_any_history_is_a_400_not_an_overflow(client, alice_token):
    for page in (10**6 + 1, 2**63, 10**20):
        response = client.get(
            f"/api/v1/submissions?page={page}", headers={"Authorization": f"Bearer {alice_token}"}
        )
        assert response.status_code == 400
        assert "page" in response.json()["detail"]
