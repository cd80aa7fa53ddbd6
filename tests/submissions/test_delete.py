"""Deleting a photo: only its owner can, and nothing of it is left anywhere afterwards."""

import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from gossip.identity import node_key
from gossip.models import HeldRecord
from gossip.sharing import public_changes_apply
from map.models import Sighting
from submissions import services
from submissions.images import served_copies_make
from submissions.models import Detection, PublicChange, Submission
from tests.conftest import stored_files
from tests.gossip.conftest import certificates, gossip_on  # noqa: F401
from tests.submissions.photos import PARK, classified, with_copies

pytestmark = pytest.mark.django_db


def leftovers(submission_id: uuid.UUID, data_dir: Path) -> list[str]:
    """Whatever of the submission is still anywhere, once the worker has applied the outbox."""
    public_changes_apply()
    rows = {
        "submission": Submission.objects.filter(pk=submission_id),
        "detections": Detection.objects.filter(submission_id=submission_id),
        "outbox": PublicChange.objects.filter(submission_id=submission_id),
        "sighting": Sighting.objects.filter(submission_id=submission_id),
    }
    files = [str(path) for path in stored_files(data_dir) if str(submission_id) in str(path)]
    return [name for name, found in rows.items() if found.exists()] + files


def intact(submission: Submission, data_dir: Path) -> bool:
    folder = f"submissions/{submission.pk}"
    files = [path for path in stored_files(data_dir) if folder in str(path)]
    kept = Submission.objects.filter(pk=submission.pk, detections__isnull=False).exists()
    return (
        kept and Sighting.objects.filter(submission_id=submission.pk).exists() and len(files) == 3
    )


def record_of(sighting_id: uuid.UUID) -> HeldRecord:
    return HeldRecord.objects.get(origin=node_key().node_id, sighting_id=sighting_id)


def test_alice_deletes_on_the_page_after_confirming_and_peers_get_a_tombstone(
    gossip_on,  # noqa: F811
    alice,
    alice_client,
    make_photo,
    isolated_storage,
    django_capture_on_commit_callbacks,
):
    submission = classified(alice, make_photo(gps=PARK), geoprivacy="open")
    sighting_id = Sighting.objects.get(submission_id=submission.pk).pk
    assert not record_of(sighting_id).deleted
    assert 'id="delete-link"' in alice_client.get(submission.get_absolute_url()).content.decode()
    confirm = alice_client.get(f"/submissions/{submission.pk}/delete/")
    assert confirm.status_code == 200 and 'id="delete-form"' in confirm.content.decode()
    assert intact(submission, isolated_storage)  # asking is not deleting
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(f"/submissions/{submission.pk}/delete/")
    assert (response.status_code, response["Location"]) == (302, "/submissions/")
    assert leftovers(submission.pk, isolated_storage) == []
    assert record_of(sighting_id).deleted  # the tombstone, which peers fetch


def test_alice_deletes_through_the_api(
    client, alice, alice_token, make_photo, isolated_storage, django_capture_on_commit_callbacks
):
    submission = classified(alice, make_photo(gps=PARK), geoprivacy="obscured")
    url, bearer = f"/api/v1/submissions/{submission.pk}", {"Authorization": f"Bearer {alice_token}"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(url, headers=bearer)
    assert response.status_code == 204 and response.content == b""
    assert leftovers(submission.pk, isolated_storage) == []
    assert client.delete(url, headers=bearer).status_code == 404


def test_a_private_photo_is_deleted_too(
    alice, alice_client, make_photo, isolated_storage, django_capture_on_commit_callbacks
):
    submission = classified(alice, make_photo(gps=PARK), geoprivacy="private")
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(f"/submissions/{submission.pk}/delete/")
    assert leftovers(submission.pk, isolated_storage) == []


def test_a_delete_holding_the_row_from_before_the_worker_came_deletes_the_copies_too(
    alice, make_photo, isolated_storage, django_capture_on_commit_callbacks
):
    upload = ContentFile(make_photo(gps=PARK), name="squirrel.jpg")
    read_before = services.submission_create(owner=alice, upload=upload)  # no copies named
    with_copies(read_before)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_delete(submission=read_before)
    assert leftovers(read_before.pk, isolated_storage) == []


def test_a_photo_deleted_before_the_worker_came_gets_no_copies(alice, make_photo, isolated_storage):
    upload = ContentFile(make_photo(gps=PARK), name="squirrel.jpg")
    gone = services.submission_create(owner=alice, upload=upload)
    services.submission_delete(submission=gone)
    assert not services.submission_served_copies_save(
        submission=gone, copies=served_copies_make(make_photo(), ".jpg", max_pixels=10**7)
    )
    assert not (isolated_storage / "media").exists()


def test_bob_cannot_delete_alices_photo(
    alice, bob_client, bob_token, client, make_photo, isolated_storage
):
    submission = classified(alice, make_photo(gps=PARK), geoprivacy="open")
    page = f"/submissions/{submission.pk}/delete/"
    assert bob_client.get(page).status_code == 404
    assert bob_client.post(page).status_code == 404
    api = f"/api/v1/submissions/{submission.pk}"
    assert client.delete(api, headers={"Authorization": f"Bearer {bob_token}"}).status_code == 404
    assert client.delete(api).status_code == 401
    assert intact(submission, isolated_storage)


def test_the_page_refuses_a_post_without_its_csrf_token(
    alice, make_photo, isolated_storage, django_capture_on_commit_callbacks
):
    submission = classified(alice, make_photo(gps=PARK), geoprivacy="open")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    page = f"/submissions/{submission.pk}/delete/"
    form = browser.get(page).content.decode()  # sets the CSRF cookie
    assert browser.post(page).status_code == 403
    assert browser.delete(f"/api/v1/submissions/{submission.pk}").status_code == 403
    assert intact(submission, isolated_storage)
    token = form.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    with django_capture_on_commit_callbacks(execute=True):
        assert browser.post(page, {"csrfmiddlewaretoken": token}).status_code == 302
    assert leftovers(submission.pk, isolated_storage) == []
