"""A private photo's served copies, on local disk: its owner sees them, nobody else does.

Open and obscured copies stay public at /media/ (they carry no EXIF); a private one's
live beside its original, and come only from an owner-only view.
"""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils.http import http_date

from submissions import services, storage
from tests.conftest import metadata_segments
from tests.submissions.photos import PARK, classified, with_copies

pytestmark = pytest.mark.django_db


def api_urls(client: Client, token: str, submission_id) -> tuple[str, str]:
    body = client.get(
        f"/api/v1/submissions/{submission_id}", headers={"Authorization": f"Bearer {token}"}
    ).json()
    return body["image_url"], body["thumbnail_url"]


def test_a_private_photo_is_served_to_its_owner_only(
    alice, alice_client, alice_token, bob_client, client, make_photo, isolated_storage
):
    submission = classified(alice, make_photo(gps=PARK), geoprivacy="private")
    image_url, thumbnail_url = api_urls(client, alice_token, submission.pk)
    assert image_url == f"http://testserver/submissions/{submission.pk}/image.jpg"
    assert thumbnail_url == f"http://testserver/submissions/{submission.pk}/thumbnail.jpg"
    for url in (image_url, thumbnail_url):
        mine = alice_client.get(url)
        assert mine.status_code == 200 and mine["Content-Type"] == "image/jpeg"
        assert mine["Cache-Control"] == "private, no-store"
        assert metadata_segments(b"".join(mine.streaming_content)) == []
        assert bob_client.get(url).status_code == 404
        assert client.get(url).status_code == 404
    for name in (submission.image.name, submission.thumbnail.name):
        assert alice_client.get(f"/media/{name}").status_code == 404
        assert not (isolated_storage / "media" / name).exists()
        assert (isolated_storage / "originals" / name).is_file()


def test_pages_show_a_private_photo_from_the_owner_only_view(alice, alice_client, make_photo):
    submission = classified(alice, make_photo(gps=PARK), geoprivacy="private")
    detail = alice_client.get(submission.get_absolute_url()).content.decode()
    history = alice_client.get("/submissions/").content.decode()
    assert f'src="/submissions/{submission.pk}/image.jpg"' in detail
    assert f'src="/submissions/{submission.pk}/thumbnail.jpg"' in history
    assert "/media/" not in detail + history


def test_open_and_obscured_copies_stay_public(alice, client, make_photo):
    for geoprivacy in ("open", "obscured"):
        submission = classified(alice, make_photo(gps=PARK), geoprivacy=geoprivacy)
        url = storage.served_copy_url(submission)
        assert url == f"/media/{submission.image.name}"
        response = client.get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "no-cache"
        assert metadata_segments(b"".join(response.streaming_content)) == []
        later = http_date((submission.created_at + timedelta(days=1)).timestamp())
        assert client.get(url, headers={"If-Modified-Since": later}).status_code == 304


def test_making_it_private_kills_its_old_media_url_and_making_it_open_revives_it(
    alice, alice_client, client, make_photo, isolated_storage, django_capture_on_commit_callbacks
):
    submission = classified(alice, make_photo(gps=PARK), geoprivacy="open")
    old_urls = [f"/media/{submission.image.name}", f"/media/{submission.thumbnail.name}"]
    assert [client.get(url).status_code for url in old_urls] == [200, 200]
    geoprivacy = f"/submissions/{submission.pk}/geoprivacy/"
    assert alice_client.post(geoprivacy, {"geoprivacy": "private"}).status_code == 302
    assert [client.get(url).status_code for url in old_urls] == [404, 404]
    assert [alice_client.get(url).status_code for url in old_urls] == [404, 404]
    assert not (isolated_storage / "media" / submission.image.name).exists()
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(geoprivacy, {"geoprivacy": "open"})
    assert [client.get(url).status_code for url in old_urls] == [200, 200]
    assert not (isolated_storage / "originals" / submission.image.name).exists()


def test_media_serves_nothing_but_the_copies_of_a_shown_photo(alice, client, make_photo):
    submission = classified(alice, make_photo(gps=PARK), geoprivacy="open")
    folder = f"submissions/{submission.pk}"
    for path in (
        f"{folder}/original.jpg",
        f"{folder}/../{submission.pk}/image.jpg",
        "submissions/00000000-0000-0000-0000-000000000000/image.jpg",
        "readyz/probe.txt",
    ):
        assert client.get(f"/media/{path}").status_code == 404, path


def test_the_worker_still_reads_a_private_photo(alice, make_photo):
    submission = classified(alice, make_photo(gps=PARK), geoprivacy="private")
    assert storage.served_image_open(submission.image.name)[:2] == b"\xff\xd8"


def test_made_private_before_the_worker_came_its_copies_are_made_private(
    alice, make_photo, isolated_storage
):
    upload = ContentFile(make_photo(gps=PARK), name="squirrel.jpg")
    waiting = services.submission_create(owner=alice, upload=upload, geoprivacy="open")
    services.submission_geoprivacy_set(submission=waiting, geoprivacy="private")  # nothing to move
    made = with_copies(waiting)
    for name in (made.image.name, made.thumbnail.name):
        assert (isolated_storage / "originals" / name).is_file()
        assert not (isolated_storage / "media" / name).exists()
