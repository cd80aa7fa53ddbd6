"""The rate limits on login, sign-up, tokens and uploads (birdai/ratelimit.py).

Each test sets a small limit a minute and holds the limiter's clock still, 15 s
into a minute, so that no test straddles two minutes (and the wait is known: 45 s).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ApiToken
from birdai import ratelimit
from submissions.models import Submission
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
SIGNUP = {"password1": PASSWORD, "password2": PASSWORD}


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: timezone.now().replace(second=15))

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    held = Clock()
    monkeypatch.setattr(ratelimit, "timezone", SimpleNamespace(now=lambda: held.now))
    return held


def assert_too_many(response, *, json: bool) -> None:
    assert response.status_code == 429
    assert response["Retry-After"] == "45"
    if json:
        assert response.json() == {"detail": "Too many attempts: try again in 45 seconds."}
    else:
        assert "try again in 45 seconds" in response.content.decode()


def log_in(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def sign_up(username: str, address: str = "127.0.0.1"):
    client = Client(REMOTE_ADDR=address)
    return client.post("/accounts/signup/", {"username": username, **SIGNUP})


def upload_page(client: Client, data: bytes, **headers):
    image = SimpleUploadedFile("a.jpg", data)
    return client.post("/submissions/new/", {"image": image}, headers=headers)


def upload_api(client: Client, data: bytes, token: str):
    image = SimpleUploadedFile("a.jpg", data)
    bearer = {"Authorization": f"Bearer {token}"}
    return client.post("/api/v1/submissions", {"image": image}, headers=bearer)


def test_wrong_passwords_for_alice_stop_hers_but_not_bobs(settings, clock, alice, bob):
    settings.RATE_LOGIN = 2
    guesser = Client()  # every client here comes from 127.0.0.1
    assert [log_in(guesser, "alice", "guess").status_code for _ in range(2)] == [200, 200]
    assert_too_many(log_in(guesser, "alice", "guess"), json=False)
    assert_too_many(log_in(Client(), "Alice", PASSWORD), json=False)  # her right one too
    assert log_in(Client(), "bob", PASSWORD).status_code == 302
    clock.advance(45)  # the next minute
    assert log_in(Client(), "alice", PASSWORD).status_code == 302


def test_a_limit_of_zero_is_no_limit(settings, clock, alice_client):
    settings.RATE_UPLOAD = 0  # what the load test sets: all its users share one address
    refused = {upload_page(alice_client, b"not a photo").status_code for _ in range(12)}
    assert refused == {415}


def test_sign_ups_from_one_address_are_limited(settings, clock, db):
    settings.RATE_SIGNUP = 2
    for name in ("carol", "dave"):
        assert sign_up(name).status_code == 302
    assert_too_many(sign_up("erin"), json=False)
    assert not User.objects.filter(username="erin").exists()
    assert sign_up("erin", address="192.0.2.7").status_code == 302  # another address


def test_sign_ups_through_the_api_are_limited(settings, clock, db):
    settings.RATE_SIGNUP = 1

    def sign_up_api(username: str):
        data = {"username": username, "password": PASSWORD}
        return Client().post("/api/v1/accounts", data, content_type="application/json")

    assert sign_up_api("carol").status_code == 201
    assert_too_many(sign_up_api("dave"), json=True)
    assert not User.objects.filter(username="dave").exists()


def test_tokens_made_on_the_page_are_limited(settings, clock, alice, alice_client):
    settings.RATE_TOKEN = 1
    assert alice_client.post("/accounts/tokens/new/").status_code == 200
    assert_too_many(alice_client.post("/accounts/tokens/new/"), json=False)
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_tokens_asked_of_the_api_are_limited(settings, clock, alice):
    settings.RATE_TOKEN = 1
    credentials = {"username": "alice", "password": PASSWORD}

    def ask():
        return Client().post("/api/v1/tokens", credentials, content_type="application/json")

    assert ask().status_code == 201
    assert_too_many(ask(), json=True)


def test_uploads_are_limited_per_user(settings, clock, alice_client, bob_client, make_photo):
    settings.RATE_UPLOAD = 2
    photo = make_photo()
    assert upload_page(alice_client, b"not a photo").status_code == 415  # refused ones count too
    assert upload_page(alice_client, photo).status_code == 302
    assert_too_many(upload_page(alice_client, photo), json=False)
    # The page's script asks for JSON and shows its "detail".
    assert_too_many(upload_page(alice_client, photo, Accept="application/json"), json=True)
    assert upload_page(bob_client, photo).status_code == 302
    assert Submission.objects.count() == 2


def test_uploads_through_the_api_are_limited(settings, clock, alice_token, make_photo):
    settings.RATE_UPLOAD = 1
    photo = make_photo()
    assert upload_api(Client(), photo, alice_token).status_code == 201
    assert_too_many(upload_api(Client(), photo, alice_token), json=True)
    assert Submission.objects.count() == 1


def test_an_api_upload_looks_its_token_up_once(settings, clock, alice_token, make_photo):
    # The limit keys the upload by the token's user, then the API authenticates it.
    settings.RATE_UPLOAD = 5
    with CaptureQueriesContext(connection) as queries:
        assert upload_api(Client(), make_photo(), alice_token).status_code == 201
    lookups = [q["sql"] for q in queries if 'FROM "accounts_apitoken"' in q["sql"]]
    assert len(lookups) == 1


def test_the_api_schema_declares_the_429s(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    limited = {
        (path, method)
        for path, operations in paths.items()
        for method, operation in operations.items()
        if "429" in operation["responses"]
    }
    assert limited == {
        ("/api/v1/accounts", "post"),
        ("/api/v1/tokens", "post"),
        ("/api/v1/submissions", "post"),
    }
