"""Who gets what, on every URL of the site: one table, checked against the URL conf.

Each row is one request (a method and a URL: its URL name, its route if it has no
name, or an API operation's path as the OpenAPI schema writes it) and what each actor
gets. Routes come from the URL conf and the API's schema, so a URL with no row fails
the test, named. Every URL with an id is asked about alice's private photo: bob, and
staff too, get 404 as for an id that does not exist, so an id tells nobody whether it
does (submissions.selectors.submission_owned_get). The admin is staff's alone.

Each request runs in a savepoint that is rolled back, so every one starts from the
same data; before the rollback, a request by anyone but alice must have changed
nothing of hers.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts.services import api_token_create
from birdai.api import api
from submissions import services
from submissions.models import Detection, Submission
from tests.conftest import PASSWORD
from tests.submissions.photos import PARK, classified
from tests.urlconf import routes

pytestmark = pytest.mark.django_db
ACTORS = ("anonymous", "alice", "bob", "staff")  # staff: a superuser, as createsuperuser makes
LOGIN = "login"  # a 302 to the site's login page
ADMIN = "admin login"  # a 302 to the admin's
JSON = "application/json"

# The matrix: each row → what (anonymous, alice the owner, bob another user, staff) get.
MATRIX: dict[str, tuple[int | str, int | str, int | str, int | str]] = {
    "GET home": (200, 200, 200, 200),
    "GET healthz": (200, 200, 200, 200),
    "GET readyz": (200, 200, 200, 200),
    "GET favicon": (302, 302, 302, 302),
    "GET signup": (200, 200, 200, 200),
    "GET login": (200, 200, 200, 200),
    "POST logout": (302, 302, 302, 302),
    "GET tokens": (LOGIN, 200, 200, 200),
    "POST token_create": (LOGIN, 200, 200, 200),
    "GET map:page": (200, 200, 200, 200),
    "GET submissions:list": (LOGIN, 200, 200, 200),
    "GET submissions:create": (LOGIN, 200, 200, 200),
    "GET submissions:detail": (LOGIN, 200, 404, 404),
    "POST submissions:retry": (LOGIN, 302, 404, 404),
    "POST submissions:geoprivacy": (LOGIN, 302, 404, 404),
    "GET submissions:delete": (LOGIN, 200, 404, 404),
    "POST submissions:delete": (LOGIN, 302, 404, 404),
    "GET submissions:image": (404, 200, 404, 404),  # a private photo's copies
    "GET submissions:thumbnail": (404, 200, 404, 404),
    "GET submissions:account_delete": (LOGIN, 200, 200, 200),
    "POST submissions:account_delete": (LOGIN, 302, 302, 302),  # each deletes their own
    "GET media": (200, 200, 200, 200),  # alice's open photo: public, EXIF-free
    # Gossip: peer to peer, signed; no session is ever looked at, so all answer alike.
    "GET gossip:info": (200, 200, 200, 200),
    "POST gossip:probe": (400, 400, 400, 400),  # an empty message
    "POST gossip:exchange": (400, 400, 400, 400),
    "POST gossip:updates": (400, 400, 400, 400),
    r"GET gossip/^v\d+/": (404, 404, 404, 404),
    "GET gossip:peers": (200, 200, 200, 200),
    # The API, with a Bearer token for each actor but anonymous.
    "GET api:api-root": (404, 404, 404, 404),
    "GET api:openapi-json": (200, 200, 200, 200),
    "GET api:openapi-view": (200, 200, 200, 200),
    "POST /api/v1/accounts": (201, 201, 201, 201),
    "POST /api/v1/tokens": (201, 201, 201, 201),  # alice's password: it decides, not the caller
    "GET /api/v1/sightings": (200, 200, 200, 200),
    "POST /api/v1/submissions": (401, 201, 201, 201),
    "GET /api/v1/submissions": (401, 200, 200, 200),
    "GET /api/v1/submissions/{submission_id}": (401, 200, 404, 404),
    "PATCH /api/v1/submissions/{submission_id}": (401, 200, 404, 404),
    "DELETE /api/v1/submissions/{submission_id}": (401, 204, 404, 404),
    "POST /api/v1/submissions/{submission_id}/retry": (401, 409, 404, 404),  # 409: not failed
    # Django's admin, for staff only; its objects are real ones (alice, her photo's task).
    "GET admin:index": (ADMIN, ADMIN, ADMIN, 200),
    "GET admin:login": (200, 200, 200, 302),
    "POST admin:logout": (302, 302, 302, 302),
    "GET admin:password_change": (ADMIN, ADMIN, ADMIN, 200),
    "GET admin:password_change_done": (ADMIN, ADMIN, ADMIN, 200),
    "GET admin:autocomplete": (ADMIN, ADMIN, ADMIN, 403),
    "GET admin:jsi18n": (ADMIN, ADMIN, ADMIN, 200),
    "GET admin:view_on_site": (ADMIN, ADMIN, ADMIN, 404),  # a user has no page on the site
    "GET admin:app_list": (ADMIN, ADMIN, ADMIN, 200),
    "GET admin/(?P<url>.*)$": (ADMIN, ADMIN, ADMIN, 404),
    "GET admin:auth_group_changelist": (ADMIN, ADMIN, ADMIN, 200),
    "GET admin:auth_group_add": (ADMIN, ADMIN, ADMIN, 200),
    "GET admin:auth_group_history": (ADMIN, ADMIN, ADMIN, 200),
    "GET admin:auth_group_delete": (ADMIN, ADMIN, ADMIN, 200),
    "GET admin:auth_group_change": (ADMIN, ADMIN, ADMIN, 200),
    "GET admin/auth/group/<path:object_id>/": (ADMIN, ADMIN, ADMIN, 302),
    "GET admin:auth_user_password_change": (ADMIN, ADMIN, ADMIN, 200),
    "GET admin:auth_user_changelist": (ADMIN, ADMIN, ADMIN, 200),
    "GET admin:auth_user_add": (ADMIN, ADMIN, ADMIN, 200),
    "GET admin:auth_user_history": (ADMIN, ADMIN, ADMIN, 200),
    "GET admin:auth_user_delete": (ADMIN, ADMIN, ADMIN, 200),
    "GET admin:auth_user_change": (ADMIN, ADMIN, ADMIN, 200),
    "GET admin/auth/user/<path:object_id>/": (ADMIN, ADMIN, ADMIN, 302),
    # The tasks' admin (django_tasks_db's) is read-only: no adding, no deleting, for anyone.
    "GET admin:django_tasks_database_dbtaskresult_changelist": (ADMIN, ADMIN, ADMIN, 200),
    "GET admin:django_tasks_database_dbtaskresult_add": (ADMIN, ADMIN, ADMIN, 403),
    "GET admin:django_tasks_database_dbtaskresult_history": (ADMIN, ADMIN, ADMIN, 200),
    "GET admin:django_tasks_database_dbtaskresult_delete": (ADMIN, ADMIN, ADMIN, 403),
    "GET admin:django_tasks_database_dbtaskresult_change": (ADMIN, ADMIN, ADMIN, 200),
    "GET admin/django_tasks_database/dbtaskresult/<path:object_id>/": (ADMIN, ADMIN, ADMIN, 302),
}
# What a request sends besides its URL: enough that the owner's would succeed.
BODIES: dict[str, dict[str, Any]] = {
    "POST submissions:geoprivacy": {"data": {"geoprivacy": "open"}},
    "POST submissions:account_delete": {"data": {"password": PASSWORD}},
    "POST gossip:probe": {"data": {}, "content_type": JSON},
    "POST gossip:exchange": {"data": {}, "content_type": JSON},
    "POST gossip:updates": {"data": {}, "content_type": JSON},
    "POST /api/v1/accounts": {
        "data": {"username": "carol", "password": PASSWORD},
        "content_type": JSON,
    },
    "POST /api/v1/tokens": {
        "data": {"username": "alice", "password": PASSWORD},
        "content_type": JSON,
    },
    "GET /api/v1/sightings": {"data": {"bbox": "-1,51,1,52", "zoom": 5}},
    "PATCH /api/v1/submissions/{submission_id}": {
        "data": {"geoprivacy": "open"},
        "content_type": JSON,
    },
}


@dataclass(frozen=True)
class World:
    users: dict[str, User]  # by actor; anonymous has none
    tokens: dict[str, str]
    private: Submission  # alice's: what every URL with an id is asked about
    values: dict[str, Any]  # a value for each URL parameter; admin objects by model
    photo: bytes


@pytest.fixture
def world(alice, bob, make_photo, settings) -> World:
    settings.GOSSIP_BASE_URL = "https://home.birdai.example"  # gossip on: its views answer
    settings.READY_NEEDS_WORKER = False  # no worker runs here
    staff = User.objects.create_superuser("staff", password=PASSWORD)
    users = {"alice": alice, "bob": bob, "staff": staff}
    photo = make_photo(gps=PARK)
    private = classified(alice, photo, geoprivacy="private")
    open_one = classified(alice, photo, geoprivacy="open")
    admin_objects = {
        "auth/user": alice.pk,
        "auth/group": Group.objects.create(name="birders").pk,
        "django_tasks_database/dbtaskresult": DBTaskResult.objects.all()[0].pk,  # an upload's
    }
    values = {
        "submission_id": private.pk,
        "path": open_one.image.name,
        "app_label": "auth",
        "url": "nowhere/",
        "content_type_id": ContentType.objects.get_for_model(User).pk,
        "id": alice.pk,
        "object_id": alice.pk,  # view_on_site: alice's user; a model's own below
        "admin_objects": admin_objects,
    }
    tokens = {actor: api_token_create(user=user) for actor, user in users.items()}
    return World(users, tokens, private, values, photo)


@cache
def api_operations() -> frozenset[str]:
    """'METHOD /path' of every operation in the API's OpenAPI schema."""
    paths = api.get_openapi_schema()["paths"]
    return frozenset(f"{method.upper()} {path}" for path, ops in paths.items() for method in ops)


@cache
def route_labels() -> dict[str, str]:
    """Label → route of every URL in the URL conf but the API's operations (api_operations).

    Those are in the conf too, once per operation, but without their methods.
    """
    operation_paths = {key.split(" ", 1)[1] for key in api_operations()}
    as_openapi = partial(re.sub, r"<(?:\w+:)?(\w+)>", r"{\1}")  # <id> → {id}
    return {r.label: r.route for r in routes() if "/" + as_openapi(r.route) not in operation_paths}


def route_of(key: str) -> str:
    """The route a row asks: "submissions/<uuid:submission_id>/", "/api/v1/submissions"."""
    target = key.split(" ", 1)[1]
    return target if target.startswith("/") else route_labels()[target]


def path_of(route: str, values: Mapping[str, Any]) -> str:
    """A path to `route`, its parameters (Django's, regex groups, OpenAPI's) from values."""
    if model := re.match(r"admin/(\w+/\w+)/<path:object_id>", route):
        values = {**values, "object_id": values["admin_objects"][model[1]]}
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route).replace("^", "").replace("$", "")
    route = route.replace(r"v\d+", "v9")  # gossip: a protocol version it does not speak
    filled = re.sub(r"<(?:\w+:)?(\w+)>|\{(\w+)\}", lambda m: str(values[m[1] or m[2]]), route)
    return filled if filled.startswith("/") else "/" + filled


def client_of(actor: str, path: str, world: World) -> Client:
    """A browser signed in as the actor; for the API, a script with the actor's token."""
    if actor == "anonymous":
        return Client()
    if path.startswith("/api/"):
        return Client(headers={"Authorization": f"Bearer {world.tokens[actor]}"})
    client = Client()
    client.force_login(world.users[actor])
    return client


def body_of(key: str, world: World) -> dict[str, Any]:
    if key == "POST /api/v1/submissions":  # a file is read once: a new one each time
        return {"data": {"image": SimpleUploadedFile("squirrel.jpg", world.photo)}}
    return BODIES.get(key, {})


def state_of(user: User) -> list[list[dict[str, Any]]]:
    """Everything of `user`'s that nobody else may change: the account, photos, detections."""
    return [
        list(User.objects.filter(pk=user.pk).values()),
        list(Submission.objects.filter(owner=user).order_by("pk").values()),
        list(Detection.objects.filter(submission__owner=user).order_by("pk").values()),
    ]


def outcome(response: HttpResponseBase) -> int | str:
    """The status, or LOGIN / ADMIN for a redirect to a login page."""
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith(reverse("login") + "?next="):
        return LOGIN
    if response.status_code == 302 and location.startswith(reverse("admin:login") + "?next="):
        return ADMIN
    return response.status_code


def send(actor: str, key: str, world: World, values: Mapping[str, Any]) -> HttpResponseBase:
    """The row `key`'s request as `actor`, rolled back; fails if it changed alice's data."""
    method = key.split(" ", 1)[0].lower()
    path = path_of(route_of(key), values)
    alice = world.users["alice"]
    with transaction.atomic():
        before = state_of(alice)
        response = getattr(client_of(actor, path, world), method)(path, **body_of(key, world))
        changed = state_of(alice) != before
        transaction.set_rollback(True)
    assert actor == "alice" or not changed, f"{key} as {actor} changed alice's data"
    return response


def answer(actor: str, key: str, world: World, values: Mapping[str, Any]) -> int | str:
    return outcome(send(actor, key, world, values))


def deleted_photo(world: World) -> Submission:
    """A photo of alice's that was deleted: its id and file names are all that is left."""
    deleted = classified(world.users["alice"], world.photo, geoprivacy="open")
    services.submission_delete(submission=deleted)
    return deleted


def test_every_url_has_a_row():
    """A URL added to the URL conf or the API fails here, named, until it has a row."""
    targets = {key.split(" ", 1)[1] for key in MATRIX}
    paths = {key.split(" ", 1)[1] for key in api_operations()}
    missing = sorted(set(route_labels()) - targets) + sorted(api_operations() - set(MATRIX))
    assert not missing, f"URLs with no row in MATRIX: {missing}"
    stale = [key for key in MATRIX if key.split(" ", 1)[1] not in {*route_labels(), *paths}]
    assert not stale, f"rows in MATRIX for URLs that do not exist: {stale}"


@pytest.mark.parametrize("actor", ACTORS)
def test_each_actor_gets_what_the_matrix_says(actor, world):
    column = ACTORS.index(actor)
    wrong = []
    for key, row in MATRIX.items():
        got = answer(actor, key, world, world.values)
        if got != row[column]:
            wrong.append(f"{key} as {actor}: {got}, expected {row[column]}")
    assert not wrong, "\n".join(wrong)


def test_any_id_not_yours_answers_as_bob_is_answered_for_alices(world):
    """Bob's photo for alice and staff, a deleted photo's for anyone: what bob gets for
    alice's (404), or anonymous for hers (the login page, a 401). Bob's data unchanged."""
    bob = world.users["bob"]
    bobs, deleted = classified(bob, world.photo).pk, deleted_photo(world).pk
    cases = [("alice", bobs), ("staff", bobs), *((actor, deleted) for actor in ACTORS)]
    with_id = [key for key in MATRIX if "submission_id" in route_of(key)]
    wrong = []
    for actor, submission_id in cases:
        before = state_of(bob)
        expected_from = "anonymous" if actor == "anonymous" else "bob"
        for key in with_id:
            expected = MATRIX[key][ACTORS.index(expected_from)]
            got = answer(actor, key, world, {**world.values, "submission_id": submission_id})
            if got != expected:
                wrong.append(f"{key} as {actor} for {submission_id}: {got}, expected {expected}")
        assert state_of(bob) == before, f"{actor} changed bob's data"
    assert len(with_id) == 11  # the walk found every URL with an id
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("actor", ACTORS)
def test_media_serves_no_private_or_deleted_photo(actor, world):
    """/media/ has alice's open photo for all (the matrix); not a private or deleted one's."""
    deleted = deleted_photo(world)
    paths = [world.private.image.name, world.private.thumbnail.name, deleted.image.name]
    for path in paths:
        assert answer(actor, "GET media", world, {**world.values, "path": path}) == 404, path


@pytest.mark.parametrize("actor", ["anonymous", "bob", "staff"])
def test_no_other_answer_names_alices_private_photo(actor, world):
    """Not in a list, a page, the map or the API: only URLs with its id (404 above) name it.

    Staff's admin is left out: the task that classified it has its id among its arguments.
    """
    secret = str(world.private.pk)
    asked = [key for key in MATRIX if "submission_id" not in route_of(key)]
    if actor == "staff":
        asked = [key for key in asked if not route_of(key).startswith("admin/")]
    for key in asked:
        response = send(actor, key, world, world.values)
        if not response.streaming:  # a photo's bytes: /media/, which has no private one
            assert secret not in response.content.decode(), f"{key} as {actor}"
