import pytest
from django.contrib.auth.models import User

from accounts.models import ApiToken
from accounts.services import LAST_USED_RESOLUTION, api_token_authenticate, api_token_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_up_logs_in(client):
    response = client.post(
        "/accounts/signup/", {"username": "erin", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/submissions/").status_code == 200
    assert User.objects.filter(username="erin").exists()


def test_sign_up_shows_form_errors(client):
    form = {"username": "erin", "password1": "a", "password2": "b"}
    page = client.post("/accounts/signup/", form)
    assert page.status_code == 200
    assert "didn’t match" in page.content.decode()


def test_log_in_and_out(client, alice):
    credentials = {"username": "alice", "password": PASSWORD}
    assert client.post("/accounts/login/", credentials).status_code == 302
    assert client.get("/submissions/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/submissions/").status_code == 302


def test_token_is_shown_once_and_stored_only_as_a_digest(alice_client, alice):
    page = alice_client.post("/accounts/tokens/new/").content.decode()
    key = page.split('<code id="new-token">')[1].split("</code>")[0]
    token = ApiToken.objects.get(user=alice)
    assert key not in token.digest and len(token.digest) == 64
    listing = alice_client.get("/accounts/tokens/").content.decode()
    assert key not in listing and "made on the website" in listing


def test_a_tokens_last_use_is_written_at_most_once_a_minute(alice):
    key = api_token_create(user=alice)
    assert api_token_authenticate(key=key) == alice
    first = ApiToken.objects.get(user=alice).last_used_at
    assert first is not None
    api_token_authenticate(key=key)
    assert ApiToken.objects.get(user=alice).last_used_at == first
    ApiToken.objects.filter(user=alice).update(last_used_at=first - LAST_USED_RESOLUTION)
    api_token_authenticate(key=key)
    assert ApiToken.objects.get(user=alice).last_used_at > first
