"""Uploads that would run in a browser: SVG or HTML dressed up as a JPEG.

They are refused with a message and leave nothing behind. A real JPEG with HTML
appended (a polyglot) is taken, but what is served is our own re-encoded JPEG,
as image/jpeg with nosniff: a browser never runs it as a page.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from submissions.models import Submission
from submissions.storage import served_copy_url
from tests.conftest import stored_files
from tests.submissions.photos import with_copies

pytestmark = pytest.mark.django_db
SCRIPT = b"<script>alert(document.cookie)</script>"
DISGUISED = {
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
    "html": b"<!doctype html><html><body>" + SCRIPT + b"</body></html>",
}


def as_jpeg(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")


@pytest.mark.parametrize("body", DISGUISED.values(), ids=DISGUISED.keys())
def test_the_upload_page_refuses_it_and_keeps_nothing(alice_client, isolated_storage, body):
    response = alice_client.post("/submissions/new/", {"image": as_jpeg(body)})
    assert response.status_code == 415
    assert "The file is not a JPEG, PNG, WebP or HEIC image." in response.content.decode()
    assert not Submission.objects.exists()
    assert stored_files(isolated_storage) == []


@pytest.mark.parametrize("body", DISGUISED.values(), ids=DISGUISED.keys())
def test_the_api_refuses_it_and_keeps_nothing(client, alice_token, isolated_storage, body):
    bearer = {"Authorization": f"Bearer {alice_token}"}
    response = client.post("/api/v1/submissions", {"image": as_jpeg(body)}, headers=bearer)
    assert response.status_code == 415
    assert response.json() == {"detail": "The file is not a JPEG, PNG, WebP or HEIC image."}
    assert not Submission.objects.exists()
    assert stored_files(isolated_storage) == []


@pytest.mark.parametrize("geoprivacy", ["open", "private"])
def test_a_jpeg_html_polyglot_is_served_only_as_our_own_jpeg(alice_client, make_photo, geoprivacy):
    upload = {"image": as_jpeg(make_photo() + SCRIPT), "geoprivacy": geoprivacy}
    assert alice_client.post("/submissions/new/", upload).status_code == 302
    submission = with_copies(Submission.objects.get())
    for thumbnail in (False, True):
        served = alice_client.get(served_copy_url(submission, thumbnail=thumbnail))
        assert served.status_code == 200
        assert served["Content-Type"] == "image/jpeg"
        assert served["X-Content-Type-Options"] == "nosniff"
        body = b"".join(served.streaming_content)
        assert body.startswith(b"\xff\xd8") and b"<script" not in body
