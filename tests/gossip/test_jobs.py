"""The worker's round: seeds, exchanges with peers over real HTTPS, back-off, forgetting.

bob's node (in memory) answers at 127.0.0.1 behind the throw-away CA; the
deployment under test runs gossip_round_run() as its worker would.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from gossip.identity import node_key
from gossip.jobs import gossip_round_run, gossip_status
from gossip.models import Peer
from map.models import Sighting
from tests.gossip.actors import squirrel

pytestmark = pytest.mark.django_db
PARK = (51.523456, -0.187654)


@pytest.fixture
def bob_seeded(settings, loopback_peers, bob_online):
    settings.GOSSIP_SEEDS = [bob_online.base_url]
    return bob_online


def test_a_round_introduces_the_seed_and_trades_what_each_lacks(bob_seeded, alice, located):
    alices = located(alice, *PARK, geoprivacy="open").sighting
    bobs = [squirrel(bob_seeded, number) for number in range(2)]
    assert gossip_round_run() == 1
    peer = Peer.objects.get()
    assert (peer.node_id, peer.base_url) == (bob_seeded.node_id, bob_seeded.base_url)
    assert (peer.failures, peer.records_received) == (0, 2)
    theirs = Sighting.objects.filter(origin=bob_seeded.node_id)
    assert sorted(str(s.id) for s in theirs) == sorted(r.id for r in bobs)
    assert bob_seeded.store.sighting(node_key().node_id, str(alices.id)) is not None
    assert bob_seeded.peers.knows(node_key().node_id)  # he learnt of us from our probe
    assert gossip_round_run() == 1  # in sync now: a probe, and nothing else
    assert Peer.objects.get().records_received == 2


def test_a_failing_peer_backs_off_exponentially_then_comes_back(bob_seeded, settings):
    settings.GOSSIP_INTERVAL = 10
    gossip_round_run()
    peer = Peer.objects.get()
    url = peer.base_url
    Peer.objects.update(base_url="https://127.0.0.1:9")  # nobody listens there
    delays = []
    for _ in range(4):
        before = timezone.now()
        assert gossip_round_run() == 0
        peer.refresh_from_db()
        delays.append((peer.next_attempt_at - before).total_seconds())
        Peer.objects.update(next_attempt_at=before)  # as if the back-off were over
    assert peer.failures == 4 and "Connection refused" in peer.last_error
    for delay, doubled in zip(delays, (10, 20, 40, 80), strict=True):
        assert 0.75 * doubled - 1 <= delay <= 1.25 * doubled + 1
    Peer.objects.update(base_url=url)
    assert gossip_round_run() == 1
    peer.refresh_from_db()
    assert (peer.failures, peer.last_error) == (0, "")


def test_a_peer_backing_off_is_not_called(bob_seeded):
    gossip_round_run()
    Peer.objects.update(next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert gossip_round_run() == 0


def test_a_peer_silent_for_a_week_is_forgotten_and_a_seed_asked_again(bob_seeded, settings):
    gossip_round_run()
    silent = {"last_contact": timezone.now() - timedelta(days=8), "failures": 50}
    Peer.objects.update(**silent, next_attempt_at=timezone.now() + timedelta(hours=1))
    settings.GOSSIP_SEEDS = []
    gossip_round_run()
    assert not Peer.objects.exists()
    settings.GOSSIP_SEEDS = [bob_seeded.base_url]  # with no peer left, the seeds count again
    assert gossip_round_run() == 1


def test_a_seed_at_a_private_address_is_refused_as_deployed(settings, gossip_on, bob_online):
    settings.GOSSIP_SEEDS = [bob_online.base_url]
    assert gossip_round_run() == 0
    assert not Peer.objects.exists()


def test_with_gossip_off_the_worker_says_so_and_does_nothing(settings):
    settings.GOSSIP_BASE_URL = ""
    assert gossip_round_run() == 0
    assert gossip_status().startswith("Gossip is off: set BIRDAI_GOSSIP_BASE_URL")
