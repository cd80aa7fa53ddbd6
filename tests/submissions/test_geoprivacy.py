"""Choosing geoprivacy at upload, and changing it later on the page or through the API."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gossip.sharing import submission_share
from submissions.models import Detection, Submission

pytestmark = pytest.mark.django_db
LONDON = (51.501364, -0.14189)


def photo(make_photo) -> SimpleUploadedFile:
    return SimpleUploadedFile("squirrel.jpg", make_photo(gps=LONDON))


def classified(submission_id) -> Submission:
    """As the worker leaves it: done, one detection, published."""
    Submission.objects.filter(pk=submission_id).update(status="done")
    submission = Submission.objects.get(pk=submission_id)
    Detection.objects.create(
        submission=submission, label="bird", confidence=0.5, x1=0, y1=0, x2=1, y2=1
    )
    submission_share(submission_id=submission.pk)
    return submission


@pytest.mark.parametrize(("sent", "stored"), [({}, "obscured"), ({"geoprivacy": "open"}, "open")])
def test_api_upload_takes_a_geoprivacy_and_defaults_to_obscured(
    client, alice_token, make_photo, sent, stored
):
    response = client.post(
        "/api/v1/submissions",
        {"image": photo(make_photo), **sent},
        headers={"Authorization": f"Bearer {alice_token}"},
    )
    assert response.status_code == 201
    assert response.json()["geoprivacy"] == stored
    assert response.json()["public_location"] is None  # not before it is classified


def test_api_upload_refuses_an_unknown_geoprivacy(client, alice_token, make_photo):
    response = client.post(
        "/api/v1/submissions",
        {"image": photo(make_photo), "geoprivacy": "secret"},
        headers={"Authorization": f"Bearer {alice_token}"},
    )
    assert response.status_code == 400
    assert (
        "geoprivacy: Input should be 'open', 'obscured' or 'private'" in response.json()["detail"]
    )
    assert not Submission.objects.exists()


def test_upload_page_offers_the_choice(alice_client, make_photo):
    page = alice_client.get("/submissions/new/").content.decode()
    assert 'value="obscured"' in page and 'value="private"' in page
    alice_client.post("/submissions/new/", {"image": photo(make_photo), "geoprivacy": "private"})
    assert Submission.objects.get().geoprivacy == "private"


def test_patch_changes_the_geoprivacy_and_the_public_position(alice_client, make_photo):
    created = alice_client.post("/api/v1/submissions", {"image": photo(make_photo)}).json()
    classified(created["id"])
    url = f"/api/v1/submissions/{created['id']}"

    def patch(body):
        return alice_client.patch(url, json.dumps(body), content_type="application/json")

    obscured = alice_client.get(url).json()["public_location"]
    assert (obscured["lat"], obscured["lon"]) != LONDON and obscured["precision_m"] > 10_000
    opened = patch({"geoprivacy": "open"}).json()
    assert opened["geoprivacy"] == "open"
    assert opened["public_location"]["lat"] == pytest.approx(LONDON[0], abs=1e-5)
    assert patch({"geoprivacy": "private"}).json()["public_location"] is None
    assert patch({}).json()["geoprivacy"] == "private"  # nothing asked, nothing changed
    assert patch({"geoprivacy": "hidden"}).status_code == 400


def test_the_page_shows_and_changes_the_geoprivacy(alice_client, make_photo):
    alice_client.post("/submissions/new/", {"image": photo(make_photo)})
    submission = classified(Submission.objects.get().pk)
    page = alice_client.get(submission.get_absolute_url()).content.decode()
    assert "Others see it at" in page
    assert re.search(r'value="obscured"[^>]*checked', page)
    url = f"{submission.get_absolute_url()}geoprivacy/"
    assert alice_client.post(url, {"geoprivacy": "private"}).status_code == 302
    page = alice_client.get(submission.get_absolute_url()).content.decode()
    assert "it is private" in page and "Others see it at" not in page
    assert alice_client.post(url, {"geoprivacy": "everyone"}).status_code == 400
