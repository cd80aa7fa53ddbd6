"""A POST without a CSRF token is refused, on every URL of the site, signed in or not.

The URLs come from the URL conf, so a new view is covered the day it is added. The
only views exempt are gossip's protocol endpoints, which take no cookie: a peer signs
its messages instead. The API (django-ninja) does its own check for a session's POST.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from submissions.models import Submission
from tests.submissions.test_history import classified
from tests.urlconf import Route, routes

pytestmark = pytest.mark.django_db
EXEMPT = {"gossip:info", "gossip:probe", "gossip:exchange", "gossip:updates", "gossip:"}
REFUSAL = "CSRF verification failed"


def site_urls() -> list[Route]:
    """Every URL outside /api/ and /admin/ (Django's own)."""
    return [route for route in routes() if not route.route.startswith(("api/", "admin/"))]


def concrete(route: str, submission_id: str) -> str:
    """A path for `route`, its parameters filled in with alice's submission."""
    path = route.replace("<uuid:submission_id>", submission_id)
    return "/" + path.replace("^media/(?P<path>.+)$", "media/submissions/x/image.jpg")


def test_only_the_gossip_protocol_is_exempt():
    exempt = {name for _, name, view in site_urls() if getattr(view, "csrf_exempt", False)}
    assert exempt == EXEMPT


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "alice"])
def test_a_post_without_a_token_is_refused_everywhere(alice, signed_in):
    client = Client(enforce_csrf_checks=True)
    if signed_in:
        client.force_login(alice)
    submission_id = str(classified(alice, "park.jpg", []).pk)
    posted = 0
    for route, name, _ in site_urls():
        if name in EXEMPT:
            continue
        response = client.post(concrete(route, submission_id))
        assert response.status_code == 403, route
        assert REFUSAL in response.content.decode(), route
        posted += 1
    assert posted >= 15  # the walk found the site's views
    assert Submission.objects.count() == 1  # nothing was done: not even a deletion


def test_with_its_token_the_same_post_goes_through(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    token = client.get("/accounts/tokens/").cookies["csrftoken"].value
    response = client.post("/accounts/tokens/new/", headers={"X-CSRFToken": token})
    assert response.status_code == 200


def test_the_api_refuses_a_sessions_post_without_a_token(alice, make_photo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    photo = SimpleUploadedFile("squirrel.jpg", make_photo())
    response = client.post("/api/v1/submissions", {"image": photo})
    assert response.status_code == 403
    assert not Submission.objects.exists()
