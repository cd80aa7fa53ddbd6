"""No page or endpoint shows bob where alice really took an obscured or private photo.

alice uploads through the API (the position comes from the photo's EXIF) and the
worker's code classifies it with the real (untrained) model. Then every page and
endpoint that can show a position is read as bob and as nobody, and each answer
is searched for alice's true coordinates written in several ways.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gossip.sharing import public_changes_apply
from submissions import classification
from submissions.models import Submission

pytestmark = [pytest.mark.django_db, pytest.mark.model]
OBSCURED = (51.523456, -0.187654)
PRIVATE = (48.861357, 2.337924)
OPEN = (40.416775, -3.703790)
ZOOMS = [0, 2, 5, 8, 11, 12, 14, 18, 22]


def written(value: float) -> set[str]:
    return {repr(value), f"{value:.6f}", f"{value:.5f}", f"{value:.4f}"}


@pytest.fixture
def alices(client, alice_token, make_photo, worker_model_sees_everything) -> dict[str, Submission]:
    made = {}
    for geoprivacy, gps in [("obscured", OBSCURED), ("private", PRIVATE), ("open", OPEN)]:
        response = client.post(
            "/api/v1/submissions",
            {"image": SimpleUploadedFile("a.jpg", make_photo(gps=gps)), "geoprivacy": geoprivacy},
            headers={"Authorization": f"Bearer {alice_token}"},
        )
        assert response.status_code == 201, response.content
        made[geoprivacy] = Submission.objects.get(pk=response.json()["id"])
        classification.submission_classify(submission_id=made[geoprivacy].pk)
        public_changes_apply()
    for submission in made.values():
        submission.refresh_from_db()
        assert submission.status == "done"
    return made


@pytest.fixture
def secrets(alices) -> set[str]:
    """alice's true coordinates as text, less any that the public point happens to share."""
    public = alices["obscured"].sighting.point
    shown = " ".join(written(public.y) | written(public.x))
    true = set()
    for submission in (alices["obscured"], alices["private"]):
        true |= written(submission.location.y) | written(submission.location.x)
    kept = {text for text in true if text not in shown}
    assert {f"{v:.6f}" for v in (*OBSCURED, *PRIVATE)} <= kept  # the checks that matter
    return kept


def reads(alices) -> list[tuple[str, str, dict]]:
    """(method, url, data) of everything that can show a position."""
    calls = [("get", "/", {}), ("get", "/submissions/", {}), ("get", "/api/v1/submissions", {})]
    for submission in alices.values():
        page = submission.get_absolute_url()
        api = f"/api/v1/submissions/{submission.pk}"
        calls += [("get", page, {}), ("get", api, {}), ("post", f"{api}/retry", {})]
    for zoom in ZOOMS:
        for bbox in ["-180,-90,180,90", "-1,51,1,52", "2,48,3,49"]:
            for extra in [{}, {"label": "squirrel"}, {"from": "2000-01-01", "to": "2100-01-01"}]:
                calls.append(("get", "/api/v1/sightings", {"bbox": bbox, "zoom": zoom, **extra}))
    return calls


def leaks(client, alices, secrets) -> list[str]:
    found = []
    for method, url, data in reads(alices):
        body = getattr(client, method)(url, data).content.decode()
        found += [f"{url} {data}: {text}" for text in secrets if text in body]
    return found


def test_bob_never_sees_alices_true_positions(bob_client, alices, secrets):
    assert leaks(bob_client, alices, secrets) == []


def test_an_anonymous_reader_never_sees_alices_true_positions(client, alices, secrets):
    assert leaks(client, alices, secrets) == []


def test_alice_does_see_them_so_the_search_works(alice_client, alices, secrets):
    assert len(leaks(alice_client, alices, secrets)) > 20


def test_bob_cannot_change_alices_geoprivacy(bob_client, alices):
    obscured = alices["obscured"]
    url = f"/api/v1/submissions/{obscured.pk}"
    patch = bob_client.patch(url, json.dumps({"geoprivacy": "open"}), "application/json")
    page = bob_client.post(f"{obscured.get_absolute_url()}geoprivacy/", {"geoprivacy": "open"})
    assert (patch.status_code, page.status_code) == (404, 404)
    obscured.refresh_from_db()
    assert obscured.geoprivacy == "obscured"
    assert obscured.sighting.point.coords != (OBSCURED[1], OBSCURED[0])


def test_bob_sees_the_open_one_exactly_and_not_the_private_one(bob_client, alices):
    world = {"bbox": "-180,-90,180,90", "zoom": 14}
    features = bob_client.get("/api/v1/sightings", world).json()["features"]
    assert len(features) == 2
    opened = alices["open"].location
    assert [opened.x, opened.y] in [f["geometry"]["coordinates"] for f in features]
    clusters = bob_client.get("/api/v1/sightings", {**world, "zoom": 3}).json()["features"]
    assert sum(f["properties"]["count"] for f in clusters) == 2
