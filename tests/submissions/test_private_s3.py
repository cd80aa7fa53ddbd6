"""Private photos and deletion with S3 (moto over real HTTP), with and without a CDN.

A private photo's copies live under originals/ (never behind the CDN) and reach its
owner by presigned URLs that expire in minutes; a deleted photo leaves no object.
"""

import socket
import urllib.error
import urllib.request
from datetime import timedelta

import pytest

from submissions import services, storage
from submissions.models import Submission
from tests.submissions.photos import PARK, classified

pytestmark = pytest.mark.django_db
CDN = "d111111abcdef8.cloudfront.net"


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


def keys_of(submission: Submission, s3) -> set[str]:
    stored = s3.keys()  # the bucket's keys (tests/s3.py), not a dict's
    return {key for key in stored if str(submission.pk) in key}


def unreachable(s3_settings) -> None:
    """From now on, S3 is a local port that refuses connections."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    s3_settings(BIRDAI_S3_BUCKET="birdai-down", BIRDAI_S3_ENDPOINT_URL=f"http://127.0.0.1:{port}")


def test_a_private_photo_gets_short_presigned_urls_never_the_cdn(
    alice, alice_token, bob_token, client, make_photo, s3, s3_settings
):
    s3_settings(**s3.env, BIRDAI_CDN_DOMAIN=CDN)
    submission = classified(alice, make_photo(gps=PARK), geoprivacy="private")
    folder = f"submissions/{submission.pk}"
    assert keys_of(submission, s3) == {
        f"originals/{folder}/original.jpg",
        f"originals/{folder}/image.jpg",
        f"originals/{folder}/thumbnail.jpg",
    }
    url = f"/api/v1/submissions/{submission.pk}"
    body = client.get(url, headers={"Authorization": f"Bearer {alice_token}"}).json()
    for link in (body["image_url"], body["thumbnail_url"]):
        assert link.startswith(f"{s3.endpoint}/{s3.bucket}/originals/{folder}/")
        assert "X-Amz-Signature=" in link and "X-Amz-Expires=300" in link
        assert CDN not in link and status_of(link) == 200
    assert client.get(url, headers={"Authorization": f"Bearer {bob_token}"}).status_code == 404


def test_making_it_private_moves_it_off_the_cdns_keys_and_kills_its_old_url(
    alice, make_photo, s3, django_capture_on_commit_callbacks
):
    submission = classified(alice, make_photo(gps=PARK), geoprivacy="open")
    old_url = storage.served_copy_url(submission)
    assert status_of(old_url) == 200
    services.submission_geoprivacy_set(submission=submission, geoprivacy="private")
    assert status_of(old_url) == 404
    assert not any(key.startswith("media/") for key in keys_of(submission, s3))
    assert status_of(storage.served_copy_url(submission)) == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_geoprivacy_set(submission=submission, geoprivacy="obscured")
    assert f"media/{submission.image.name}" in keys_of(submission, s3)
    assert status_of(storage.served_copy_url(submission)) == 200


def test_with_s3_down_making_it_private_changes_nothing(
    alice, alice_token, client, make_photo, s3, s3_settings
):
    submission = classified(alice, make_photo(gps=PARK), geoprivacy="open")
    unreachable(s3_settings)
    response = client.patch(
        f"/api/v1/submissions/{submission.pk}",
        {"geoprivacy": "private"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {alice_token}"},
    )
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert Submission.objects.get(pk=submission.pk).geoprivacy == "open"


def test_a_deleted_photo_leaves_no_object(
    alice, alice_token, client, make_photo, s3, django_capture_on_commit_callbacks
):
    for geoprivacy in ("open", "private"):
        submission = classified(alice, make_photo(gps=PARK), geoprivacy=geoprivacy)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.delete(
                f"/api/v1/submissions/{submission.pk}",
                headers={"Authorization": f"Bearer {alice_token}"},
            )
        assert response.status_code == 204
    assert s3.keys() == set()


def test_with_s3_down_a_deletion_leaves_only_orphans_for_the_cleanup(
    alice, make_photo, s3, s3_settings, django_capture_on_commit_callbacks
):
    submission = classified(alice, make_photo(gps=PARK), geoprivacy="open")
    unreachable(s3_settings)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_delete(submission=submission)
    assert not Submission.objects.filter(pk=submission.pk).exists()
    assert len(keys_of(submission, s3)) == 3  # S3 could not be told
    s3_settings(**s3.env)
    assert len(services.submission_orphan_files_delete(grace=timedelta(0))) == 3
    assert s3.keys() == set()
