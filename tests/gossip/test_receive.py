"""bob's sightings, pushed to the deployment under test, appear on its map marked as his.

Each record kept becomes (or changes, or removes) a map.Sighting through
map.services, in the same transaction, so the cluster totals follow too.
"""

import json

import pytest

from gossip.models import Peer
from gossip.protocol.origin import publish, unpublish
from gossip.services import peer_answered
from map.models import Sighting
from map.services import cluster_cells_rebuild
from tests.gossip.actors import sighting_id, squirrel
from tests.map.test_services import counts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("gossip_on")]
WORLD = {"bbox": "-180,-90,180,90", "zoom": 14}


def push(client, node, records) -> dict:
    body = {
        "from": {"node_id": node.node_id, "base_url": node.base_url},
        "updates": [record.wire() for record in records],
    }
    answer = client.post("/gossip/v1/updates", json.dumps(body), content_type="application/json")
    assert answer.status_code == 200, answer.content
    return answer.json()


def test_a_peers_sighting_is_on_the_map_marked_with_its_origin(client, bob_node):
    record = squirrel(bob_node, 1)
    assert push(client, bob_node, [record])["accepted"] == 1
    sighting = Sighting.objects.get()
    assert (str(sighting.id), sighting.origin, sighting.seq) == (record.id, bob_node.node_id, 1)
    assert (sighting.point.y, sighting.point.x) == (51.5074, -0.1278)
    assert (sighting.label, sighting.owner, sighting.submission) == ("squirrel", None, None)
    feature = client.get("/api/v1/sightings", WORLD).json()["features"][0]
    assert feature["properties"]["origin"] == bob_node.node_id
    assert feature["properties"]["origin_host"] is None  # bob only claimed his address…
    assert feature["properties"]["thumbnail_url"] == record.thumb_url
    assert not feature["properties"]["mine"]
    peer_answered(peer=Peer.objects.get(node_id=bob_node.node_id), received=0)  # …until now
    feature = client.get("/api/v1/sightings", WORLD).json()["features"][0]
    assert feature["properties"]["origin_host"] == "bob.birdai.example"


def test_a_new_version_moves_it_and_the_cluster_totals_follow(client, bob_node):
    push(client, bob_node, [squirrel(bob_node, 1), squirrel(bob_node, 2)])
    moved = {"lat": 48.8566, "lon": 2.3522, "precision_m": 15000.0}
    push(client, bob_node, [squirrel(bob_node, 1, location=moved, labels=[])])
    sighting = Sighting.objects.get(pk=sighting_id(1))
    assert (sighting.point.y, sighting.point.x, sighting.seq) == (48.8566, 2.3522, 3)
    assert (sighting.label, sighting.precision_m) == ("", 15000.0)
    clusters = client.get("/api/v1/sightings", {**WORLD, "zoom": 3}).json()["features"]
    assert sorted(f["properties"]["count"] for f in clusters) == [1, 1]
    before = counts()
    cluster_cells_rebuild()
    assert counts() == before


def test_a_tombstone_takes_it_off_the_map(client, bob_node):
    push(client, bob_node, [squirrel(bob_node, 1), squirrel(bob_node, 2, location=None)])
    assert Sighting.objects.count() == 1  # a version without a position has no place on it
    push(client, bob_node, [unpublish(bob_node, sighting_id=sighting_id(1))])
    assert not Sighting.objects.exists() and counts() == set()


def test_a_peer_cannot_take_over_a_local_sighting(client, bob_node, alice, located):
    local = located(alice, 40.4168, -3.7038, geoprivacy="open").sighting
    # bob publishes, signed and valid, a sighting with the id of alice's.
    elsewhere = {"lat": 0.0, "lon": 0.0, "precision_m": None}
    claim = publish(
        bob_node, sighting_id=str(local.id), observed_at=None, labels=[], location=elsewhere
    )
    assert push(client, bob_node, [claim])["accepted"] == 1  # kept, and passed on, as his
    local.refresh_from_db()
    assert (local.origin, local.owner, local.point.y) == ("", alice, 40.4168)


def test_a_time_the_database_cannot_hold_spoils_nothing(client, bob_node):
    # Valid RFC 3339, but a year before 1 once moved to UTC.
    odd = squirrel(bob_node, 1, observed_at="0001-01-01T00:00:00+14:00")
    good = squirrel(bob_node, 2)
    assert push(client, bob_node, [odd, good])["accepted"] == 2
    observed = Sighting.objects.get(pk=odd.id).observed_at  # when bob published it, then
    assert observed.isoformat().replace("+00:00", "Z") == odd.published_at
    assert Sighting.objects.filter(pk=good.id).exists()
