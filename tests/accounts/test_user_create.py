"""Making users: the sign-up page and the API both go through accounts.services."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection
from django.test import Client

from accounts.models import ApiToken
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
REFUSE_TOKENS = """
    CREATE FUNCTION refuse_token() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'no tokens today'; END $$;
    CREATE TRIGGER refuse_token BEFORE INSERT ON accounts_apitoken
        FOR EACH ROW EXECUTE FUNCTION refuse_token();
"""


def sign_up_by_api(client: Client, username: str, password: str = PASSWORD):
    return client.post(
        "/api/v1/accounts",
        {"username": username, "password": password},
        content_type="application/json",
    )


def test_the_api_makes_a_user_and_a_token_that_works(client):
    response = sign_up_by_api(client, "erin")
    assert response.status_code == 201
    token = response.json()["token"]
    mine = client.get("/api/v1/submissions", headers={"Authorization": f"Bearer {token}"})
    assert mine.status_code == 200
    assert User.objects.get(username="erin").check_password(PASSWORD)


def test_the_api_keeps_the_password_rules_of_the_page(client):
    response = sign_up_by_api(client, "erin", password="erin")
    assert response.status_code == 400 and "too short" in response.json()["detail"]
    assert not User.objects.filter(username="erin").exists()


@pytest.fixture
def tokens_refused(transactional_db) -> Iterator[None]:
    """The database itself refuses new API tokens (a real failure, not a mock).

    Committed, as in production (no test transaction around it), so it is undone here.
    """
    with connection.cursor() as cursor:
        cursor.execute(REFUSE_TOKENS)
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER refuse_token ON accounts_apitoken; DROP FUNCTION refuse_token")


def test_a_token_that_cannot_be_made_leaves_no_user(tokens_refused):
    with pytest.raises(DatabaseError, match="no tokens today"):
        sign_up_by_api(Client(), "erin")
    assert not User.objects.filter(username="erin").exists()
    assert not ApiToken.objects.exists()


def test_the_page_makes_a_user_without_a_token(client):
    form = {"username": "erin", "password1": PASSWORD, "password2": PASSWORD}
    assert client.post("/accounts/signup/", form).status_code == 302
    erin = User.objects.get(username="erin")
    assert erin.check_password(PASSWORD) and not ApiToken.objects.filter(user=erin).exists()
