"""No record that leaves the node tells where alice really took an obscured or private photo.

bob's node asks the deployment under test for everything it holds (an exchange
from an empty digest) and the answer's text is searched for alice's true
coordinates, written several ways, as tests.map.test_privacy.py does for pages.
"""

import json

import pytest

from gossip.sharing import public_changes_apply
from submissions.services import submission_geoprivacy_set
from tests.map.test_privacy import written

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("gossip_on")]
OBSCURED = (51.523456, -0.187654)
PRIVATE = (48.861357, 2.337924)
MADE_PRIVATE = (40.416775, -3.703790)


def everything_sent_to(client, node) -> str:
    body = {"from": {"node_id": node.node_id, "base_url": node.base_url}, "digest": {}, "peers": []}
    answer = client.post("/gossip/v1/exchange", json.dumps(body), content_type="application/json")
    assert answer.status_code == 200
    return answer.content.decode()


def true_positions(*places: tuple[float, float]) -> set[str]:
    return {text for lat, lon in places for text in written(lat) | written(lon)}


def test_private_and_obscured_positions_never_leave_the_node(client, bob_node, alice, located):
    obscured = located(alice, *OBSCURED, geoprivacy="obscured")
    located(alice, *PRIVATE, geoprivacy="private")
    made_private = located(alice, *MADE_PRIVATE, geoprivacy="open")
    submission_geoprivacy_set(submission=made_private, geoprivacy="private")
    public_changes_apply()

    sent = everything_sent_to(client, bob_node)
    records = json.loads(sent)["updates"]
    assert [text for text in true_positions(OBSCURED, PRIVATE, MADE_PRIVATE) if text in sent] == []
    # The obscured sighting travels at its public point, the one the map shows.
    public = obscured.sighting.point
    (shown,) = [r for r in records if r["id"] == str(obscured.sighting.id)]
    assert (shown["location"]["lat"], shown["location"]["lon"]) == (public.y, public.x)
    # The one made private is only a tombstone now: its id, and nothing else about it.
    (gone,) = [r for r in records if r["id"] != str(obscured.sighting.id)]
    assert gone["deleted"] and gone["location"] is None and gone["labels"] == []
    assert gone["image_url"] is None and gone["observed_at"] is None
    assert len(records) == 2  # the private one never had a record
