"""The peers page: who this node gossips with, for anyone to read, and never its key."""

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from gossip.identity import this_node
from gossip.models import NodeIdentity, Peer
from gossip.protocol.exchange import merge
from gossip.protocol.signing import b64url_encode
from tests.gossip.actors import node_of, squirrel

pytestmark = pytest.mark.django_db


def test_it_lists_this_node_and_its_peers(client, gossip_on, bob_node):
    carol = node_of("carol")
    Peer.objects.create(
        node_id=bob_node.node_id,
        base_url=bob_node.base_url,
        last_contact=timezone.now(),
        records_received=12,
    )
    Peer.objects.create(
        node_id=carol.node_id,
        base_url=carol.base_url,
        last_contact=timezone.now() - timedelta(minutes=10),  # answered once, failing now
        failures=3,
        last_error="no answer within 5 s",
        next_attempt_at=timezone.now() + timedelta(minutes=2),
    )
    merge(this_node().store, [squirrel(bob_node, number).wire() for number in range(2)])
    page = client.get("/gossip/peers/").content.decode()
    identity = NodeIdentity.objects.get()
    assert identity.node_id in page
    for node in (bob_node, carol):
        assert node.base_url in page and f'title="{node.node_id}"' in page
    assert "12" in page and "up to seq 2" in page and "Records held</th><td>2 " in page
    assert "3 failed in a row" in page and "no answer within 5 s" in page
    key = bytes(identity.private_key)
    for spelling in (key.hex(), b64url_encode(key), base64.b64encode(key).decode()):
        assert spelling not in page


def test_with_gossip_off_it_says_how_to_turn_it_on(client, settings):
    settings.GOSSIP_BASE_URL = ""
    page = client.get("/gossip/peers/").content.decode()
    assert "Gossip is off" in page and "BIRDAI_GOSSIP_BASE_URL" in page
    assert not NodeIdentity.objects.exists()  # no key is made for a node that does not gossip


def test_every_page_links_to_it(client):
    assert 'href="/gossip/peers/"' in client.get("/map/").content.decode()
