"""Deleting an account: every photo of it goes as a deleted photo does, then the user.

alice deletes hers; bob's account and photos are untouched.
"""

import pytest
from django.test import Client

from accounts.models import ApiToken
from gossip.identity import node_key
from gossip.models import HeldRecord
from gossip.sharing import public_changes_apply
from map.models import Sighting
from submissions.models import Detection, PublicChange, Submission
from tests.conftest import PASSWORD, stored_files
from tests.gossip.conftest import certificates, gossip_on  # noqa: F401
from tests.submissions.photos import PARK, classified

pytestmark = pytest.mark.django_db
PAGE = "/submissions/account/delete/"


def test_alice_deletes_her_account_and_everything_of_it_goes(
    gossip_on,  # noqa: F811
    alice,
    alice_client,
    alice_token,
    bob,
    bob_token,
    make_photo,
    isolated_storage,
    django_capture_on_commit_callbacks,
):
    shared = classified(alice, make_photo(gps=PARK), geoprivacy="open")
    classified(alice, make_photo(gps=PARK), geoprivacy="private")
    bobs = classified(bob, make_photo(gps=PARK), geoprivacy="open")
    sighting_id = Sighting.objects.get(submission_id=shared.pk).pk
    assert "all your photos (2)" in alice_client.get(PAGE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(PAGE, {"password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/")
    public_changes_apply()
    assert not type(alice).objects.filter(pk=alice.pk).exists()
    assert list(ApiToken.objects.values_list("user", flat=True)) == [bob.pk]
    assert list(Submission.objects.values_list("pk", flat=True)) == [bobs.pk]
    assert set(Detection.objects.values_list("submission", flat=True)) == {bobs.pk}
    assert list(Sighting.objects.values_list("submission", flat=True)) == [bobs.pk]
    assert not PublicChange.objects.exists()
    assert {path.parent.name for path in stored_files(isolated_storage)} == {str(bobs.pk)}
    assert HeldRecord.objects.get(origin=node_key().node_id, sighting_id=sighting_id).deleted
    assert alice_client.get("/submissions/").status_code == 302  # signed out


def test_a_wrong_password_deletes_nothing(alice, alice_client, make_photo):
    classified(alice, make_photo(gps=PARK))
    response = alice_client.post(PAGE, {"password": "not-it"})
    assert response.status_code == 400 and "not your password" in response.content.decode()
    assert Submission.objects.filter(owner=alice).exists()


def test_the_page_needs_a_login_and_its_csrf_token(alice, client):
    assert client.get(PAGE).status_code == 302
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    browser.get(PAGE)
    assert browser.post(PAGE, {"password": PASSWORD}).status_code == 403
    assert type(alice).objects.filter(pk=alice.pk).exists()


def test_the_tokens_page_links_to_it(alice_client):
    assert f'href="{PAGE}"' in alice_client.get("/accounts/tokens/").content.decode()
