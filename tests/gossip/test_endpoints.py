"""The /gossip/v1/ endpoints over HTTP (Django's test client): answers and refusals.

bob's node (in memory) calls the deployment under test, as a peer would; mallory
sends it everything the issue lists. Each is refused with a reason, the valid
records in the same batch are kept, and the node goes on serving.
"""

import json

import pytest

from gossip.models import Peer
from gossip.protocol.exchange import digest_sha256
from tests.gossip.actors import node_of, signed_as, squirrel
from tests.gossip.conftest import HOME_URL

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("gossip_on")]
MB = 1024 * 1024


def post(client, endpoint: str, body, **extra):
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(f"/gossip/v1/{endpoint}", data, content_type="application/json", **extra)


def sender(node, base_url: str | None = None) -> dict:
    return {"node_id": node.node_id, "base_url": base_url or node.base_url}


def test_info_names_this_node(client):
    answer = client.get("/gossip/v1/info").json()
    assert answer["base_url"] == HOME_URL and answer["protocol"] == 1
    assert len(answer["node_id"]) == 43


def test_with_gossip_off_there_are_no_endpoints(client, settings):
    settings.GOSSIP_BASE_URL = ""
    assert client.get("/gossip/v1/info").json() == {"error": "gossip is off on this node"}


def test_a_probe_answers_with_the_digest_hash_and_learns_the_caller(client, bob_node):
    body = {"from": sender(bob_node), "digest_sha256": digest_sha256({}), "peers": []}
    answer = post(client, "probe", body)
    assert answer.status_code == 200
    assert answer.json() == {"digest_sha256": digest_sha256({}), "peers": []}
    assert Peer.objects.get().base_url == bob_node.base_url


def test_an_exchange_sends_what_the_caller_lacks(client, bob_node, alice, located):
    submission = located(alice, 51.5, -0.12, geoprivacy="open")
    answer = post(client, "exchange", {"from": sender(bob_node), "digest": {}, "peers": []})
    updates = answer.json()["updates"]
    assert [record["id"] for record in updates] == [str(submission.sighting.id)]
    assert answer.json()["digest"] == {updates[0]["origin"]: 1}


@pytest.mark.parametrize(
    ("method", "path", "kind", "status", "error"),
    [
        ("get", "v1/probe", "application/json", 405, "method not allowed"),
        ("post", "v1/info", "application/json", 405, "method not allowed"),
        ("post", "v1/probe", "text/plain", 415, "expected application/json"),
        ("post", "v1/exchange", "application/json", 400, "body: Invalid JSON"),
        ("post", "v2/probe", "application/json", 404, "not found"),
    ],
)
def test_requests_that_are_not_gossip_are_refused(client, method, path, kind, status, error):
    answer = client.generic(method.upper(), f"/gossip/{path}", b"nonsense", content_type=kind)
    assert answer.status_code == status
    assert answer.json()["error"].startswith(error)


def test_a_10_mb_body_is_refused_before_it_is_read(client, bob_node):
    answer = post(client, "updates", b"[" + b" " * (10 * MB) + b"]")
    assert (answer.status_code, answer.json()) == (413, {"error": "body over 4194304 bytes"})


def test_a_100000_entry_digest_is_refused(client, bob_node, settings):
    digest = {f"{n:043d}": 1 for n in range(100_000)}
    body = {"from": sender(bob_node), "digest": digest, "peers": []}
    # About 5 MB: over the body limit before its entries are even counted…
    assert post(client, "exchange", body).status_code == 413
    # …and refused by the message's own limit where bodies may be bigger.
    settings.GOSSIP_MAX_BODY = 8 * MB
    answer = post(client, "exchange", body)
    assert answer.status_code == 400
    assert answer.json() == {"error": "digest: Value error, has 100000 entries, at most 10000"}


def test_a_caller_asking_too_often_is_told_when_to_come_back(client, settings):
    settings.GOSSIP_RATE = 3
    for _ in range(3):
        assert client.get("/gossip/v1/info").status_code == 200
    refused = client.get("/gossip/v1/info")
    assert refused.status_code == 429 and refused.json() == {"error": "too many requests"}
    assert 0 < int(refused["Retry-After"]) <= 60
    assert client.get("/gossip/v1/info", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_behind_our_proxy_the_caller_is_the_address_it_added(client, settings):
    settings.GOSSIP_RATE, settings.BEHIND_PROXY = 1, True
    for made_up in ("198.51.100.1", "198.51.100.2"):  # the caller cannot dodge the limit
        forwarded = f"{made_up}, 192.0.2.9"
        client.get("/gossip/v1/info", headers={"X-Forwarded-For": forwarded})
    assert (
        client.get("/gossip/v1/info", headers={"X-Forwarded-For": "192.0.2.9"}).status_code == 429
    )


def test_every_bad_record_is_refused_and_the_good_ones_kept(client, bob_node, mallory_key):
    good = [squirrel(bob_node, number).wire() for number in range(3)]
    forged = signed_as(mallory_key, {k: v for k, v in good[2].items() if k != "sig"})
    lat_91 = {**good[1], "location": {**good[1]["location"], "lat": 91.0}}
    long_label = {**good[1], "labels": [{"label": "a" * 10_240, "confidence": 0.5}]}
    batch = [good[0], good[2], lat_91, long_label, good[1], forged, good[0]]
    answer = post(client, "updates", {"from": sender(bob_node), "updates": batch}).json()
    assert (answer["accepted"], answer["ignored"]) == (2, 1)
    reasons = [refused["reason"] for refused in answer["rejected"]]
    assert reasons[0] == "gap: this node holds up to seq 1; seq 2 must come first"
    assert reasons[1].startswith("location.lat: Input should be less than or equal to 90")
    assert reasons[2].startswith("labels.0.label: String should have at most 64 characters")
    assert reasons[3].startswith("bad signature")
    assert all(len(reason) < 300 for reason in reasons)  # never the 10 kB label itself


@pytest.mark.parametrize(
    ("allow_private", "base_url", "kept"),
    [
        (False, "https://127.0.0.1:8443", False),
        (False, "https://169.254.169.254", False),
        (False, "https://localhost:8443", False),
        (False, "http://birds.example.org", False),
        (True, "https://127.0.0.1:8443", True),
        (True, "http://127.0.0.1:8443", False),
        (False, "https://birds.example.org", True),
    ],
)
def test_an_address_inside_is_never_kept(client, settings, allow_private, base_url, kept):
    settings.GOSSIP_ALLOW_PRIVATE = allow_private
    mallory = node_of("mallory")
    body = {"from": sender(mallory, base_url), "digest_sha256": digest_sha256({}), "peers": []}
    assert post(client, "probe", body).status_code == 200  # answered all the same
    assert Peer.objects.filter(node_id=mallory.node_id).exists() == kept


def test_after_all_of_it_the_node_still_serves(client, bob_node, mallory_key, settings):
    test_a_10_mb_body_is_refused_before_it_is_read(client, bob_node)
    test_a_100000_entry_digest_is_refused(client, bob_node, settings)
    test_every_bad_record_is_refused_and_the_good_ones_kept(client, bob_node, mallory_key)
    assert client.get("/gossip/v1/info").status_code == 200
    assert client.get("/healthz").status_code == 200
