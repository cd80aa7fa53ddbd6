"""Photos in S3 through django-storages, against a local S3 server over real HTTP."""

import io
import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult
from PIL import Image

from submissions import services, storage
from submissions.classification import submission_photo_prepare
from submissions.models import Submission
from tests.conftest import metadata_segments, stored_files
from tests.submissions.photos import api_upload as post_photo
from tests.submissions.photos import with_copies

pytestmark = pytest.mark.django_db
GPS = (43.467448, 11.885127)
CDN = "d111111abcdef8.cloudfront.net"


def download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def uploaded_and_copied(client, token: str, photo: bytes) -> dict:
    """POST `photo`, let the worker make its copies, then GET it as the API has it now."""
    created = post_photo(client, token, photo)
    assert created.status_code == 201
    with_copies(Submission.objects.get(pk=created.json()["id"]))
    url = f"/api/v1/submissions/{created.json()['id']}"
    return client.get(url, headers={"Authorization": f"Bearer {token}"}).json()


def test_the_upload_puts_the_original_apart_and_the_worker_adds_two_copies(
    client, alice_token, make_photo, s3
):
    photo = make_photo(gps=GPS)
    response = post_photo(client, alice_token, photo)
    assert response.status_code == 201
    folder = f"submissions/{response.json()['id']}"
    assert s3.keys() == {f"originals/{folder}/original.jpg"}
    assert s3.read(f"originals/{folder}/original.jpg") == photo
    with_copies(Submission.objects.get(pk=response.json()["id"]))
    assert s3.keys() == {
        f"originals/{folder}/original.jpg",
        f"media/{folder}/image.jpg",
        f"media/{folder}/thumbnail.jpg",
    }
    served = s3.head(f"media/{folder}/image.jpg")
    assert served["ContentType"] == "image/jpeg"
    assert served["CacheControl"] == "public, max-age=604800, immutable"


def test_media_urls_are_presigned_and_download_jpegs_without_exif(
    client, alice_token, make_photo, s3
):
    body = uploaded_and_copied(client, alice_token, make_photo(gps=GPS))
    for url, size in ((body["image_url"], (640, 480)), (body["thumbnail_url"], (480, 360))):
        assert url.startswith(f"{s3.endpoint}/{s3.bucket}/media/submissions/{body['id']}/")
        assert "X-Amz-Signature=" in url and "X-Amz-Expires=3600" in url
        jpeg = download(url)
        assert Image.open(io.BytesIO(jpeg)).size == size
        assert metadata_segments(jpeg) == []


def test_with_a_cdn_media_urls_are_plain_cdn_urls(client, alice_token, make_photo, s3, s3_settings):
    s3_settings(**s3.env, BIRDAI_CDN_DOMAIN=CDN)
    body = uploaded_and_copied(client, alice_token, make_photo())
    folder = f"https://{CDN}/media/submissions/{body['id']}"
    assert (body["image_url"], body["thumbnail_url"]) == (
        f"{folder}/image.jpg",
        f"{folder}/thumbnail.jpg",
    )


def test_originals_never_get_a_cdn_or_unsigned_url(alice, make_photo, s3, s3_settings):
    s3_settings(**s3.env, BIRDAI_CDN_DOMAIN=CDN)
    upload = ContentFile(make_photo(gps=GPS), name="squirrel.jpg")
    submission = services.submission_create(owner=alice, upload=upload)
    url = storages["originals"].url(submission.original.name)
    assert url.startswith(f"{s3.endpoint}/{s3.bucket}/originals/submissions/")
    assert CDN not in url and "X-Amz-Signature=" in url


def test_the_worker_makes_the_copies_from_the_original_in_s3(alice, make_photo, s3):
    upload = ContentFile(make_photo(), name="squirrel.jpg")
    submission = services.submission_create(owner=alice, upload=upload)
    seen = submission_photo_prepare(submission=submission)  # read from S3, copies written
    assert seen.size == (640, 480)
    served = storage.served_image_open(Submission.objects.get(pk=submission.pk).image.name)
    assert Image.open(io.BytesIO(served)).size == (640, 480)


def test_uploads_never_stay_on_the_web_servers_disk(
    client, alice_token, make_photo, s3, settings, tmp_path_factory, isolated_storage, monkeypatch
):
    spill = tmp_path_factory.mktemp("uploads")
    settings.FILE_UPLOAD_TEMP_DIR = str(spill)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload goes to a temporary file
    seen_while_storing = []
    save = storage.submission_original_save

    def watched_save(**kwargs):
        seen_while_storing.extend(spill.iterdir())
        return save(**kwargs)

    monkeypatch.setattr(storage, "submission_original_save", watched_save)
    assert post_photo(client, alice_token, make_photo(gps=GPS)).status_code == 201
    assert len(seen_while_storing) == 1, "the upload did spill to a temporary file"
    assert list(spill.iterdir()) == [], "and the file is gone once the request ended"
    assert stored_files(isolated_storage) == [], "nothing was written to local storage"
    assert len(s3.keys()) == 1


def test_s3_down_the_api_answers_503_and_keeps_nothing(client, alice_token, make_photo, s3_down):
    response = post_photo(client, alice_token, make_photo())
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {"detail": storage.StorageUnavailable.message}
    assert not Submission.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_s3_down_the_upload_page_says_so(alice_client, make_photo, s3_down):
    def upload(**headers):
        photo = SimpleUploadedFile("squirrel.jpg", make_photo())
        return alice_client.post("/submissions/new/", {"image": photo}, headers=headers)

    page = upload()
    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert "Photo storage is unavailable right now" in page.content.decode()
    by_script = upload(Accept="application/json")
    assert by_script.status_code == 503
    assert by_script.json() == {"detail": storage.StorageUnavailable.message}
    assert not Submission.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_s3_failing_midway_leaves_no_copy_behind(alice, make_photo, s3, s3_settings):
    # Originals in this test's bucket, served copies in one that does not exist: the
    # upload stores the original, then S3 refuses the worker's first copy.
    s3_settings(
        **s3.env | {"BIRDAI_S3_BUCKET": "birdai-missing", "BIRDAI_S3_ORIGINALS_BUCKET": s3.bucket}
    )
    upload = ContentFile(make_photo(), name="squirrel.jpg")
    submission = services.submission_create(owner=alice, upload=upload)
    with pytest.raises(storage.StorageUnavailable):
        submission_photo_prepare(submission=submission)
    assert s3.keys() == {f"originals/{submission.original.name}"}
    assert not Submission.objects.get(pk=submission.pk).image  # no name of a missing file
