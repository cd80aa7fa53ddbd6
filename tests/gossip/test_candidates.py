"""A peer heard of is a candidate until it answers: not shown, not shared, soon dropped.

Anyone can announce any address, in a request's `from` or a peers list. The
deployment under test keeps such an address, tries it in its rounds, and takes it
as a peer only once it answers with the node id it was announced with.
"""

import json
import random
from datetime import timedelta

import pytest
from django.utils import timezone

from gossip.database import DbPeerBook
from gossip.identity import node_key
from gossip.jobs import gossip_round_run
from gossip.models import CANDIDATE_TRIES, MAX_CANDIDATES, Peer
from gossip.protocol.exchange import digest_sha256
from gossip.selectors import peers_to_call
from tests.gossip.actors import key_of, node_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loopback_peers")]


def announce(client, node_id: str, base_url: str) -> None:
    """A probe from `node_id`, claiming to live at `base_url`."""
    body = {"from": {"node_id": node_id, "base_url": base_url}, "peers": []}
    body["digest_sha256"] = digest_sha256({})
    answer = client.post("/gossip/v1/probe", json.dumps(body), content_type="application/json")
    assert answer.status_code == 200


def listed(client) -> str:
    return client.get("/gossip/peers/").content.decode()


def book() -> DbPeerBook:
    return DbPeerBook(own_id=node_key().node_id)


def test_a_callers_address_is_a_candidate_until_it_answers(client, bob_online):
    announce(client, bob_online.node_id, bob_online.base_url)
    assert Peer.objects.candidates().count() == 1
    assert bob_online.base_url not in listed(client) and "And 1 address heard of" in listed(client)
    assert book().known() == []  # never passed on on someone's word
    assert gossip_round_run() == 1  # the round tries it: it answers as bob
    assert bob_online.base_url in listed(client) and "heard of in gossip" not in listed(client)
    assert [peer.node_id for peer in book().known()] == [bob_online.node_id]


def test_a_made_up_address_is_dropped_after_a_few_tries(client, settings):
    announce(client, key_of("mallory").node_id, "https://127.0.0.1:9")  # nobody listens there
    for _ in range(CANDIDATE_TRIES):
        assert gossip_round_run() == 0
        Peer.objects.update(next_attempt_at=timezone.now())  # as if the back-off were over
    assert Peer.objects.get().failures == CANDIDATE_TRIES
    gossip_round_run()
    assert not Peer.objects.exists()


def test_one_never_tried_is_dropped_a_day_after_it_was_heard_of(client):
    announce(client, key_of("mallory").node_id, "https://mallory.example")
    Peer.objects.update(
        first_seen=timezone.now() - timedelta(days=2),
        next_attempt_at=timezone.now() + timedelta(hours=1),
    )
    gossip_round_run()
    assert not Peer.objects.exists()


def test_an_address_answering_as_another_node_stays_a_candidate(client, bob_online):
    carol = node_of("carol")
    announce(client, carol.node_id, bob_online.base_url)  # "carol lives at bob's"
    assert gossip_round_run() == 0
    peer = Peer.objects.get()
    assert peer.last_contact is None and peer.failures == 1
    assert "answers as" in peer.last_error and peer.base_url not in listed(client)
    assert not bob_online.peers.knows(node_key().node_id)  # nothing but `info` was asked


def test_a_round_calls_one_candidate_at_most():
    now = timezone.now()
    for number in range(3):
        Peer.objects.create(node_id=key_of(f"peer {number}").node_id, last_contact=now)
    for number in range(50):
        Peer.objects.create(node_id=key_of(f"made up {number}").node_id)
    now, rng = timezone.now(), random.Random(3)
    rounds = [peers_to_call(now=now, fanout=3, rng=rng) for _ in range(40)]
    candidates = [sum(p.last_contact is None for p in called) for called in rounds]
    assert all(len(called) == 3 for called in rounds)
    assert max(candidates) == 1 and 0 in candidates  # a chance of one peer in four
    Peer.objects.filter(last_contact__isnull=False).delete()
    assert len(peers_to_call(now=now, fanout=3, rng=rng)) == 1


def test_candidates_are_bounded(client):
    Peer.objects.bulk_create(
        Peer(node_id=key_of(f"made up {n}").node_id, base_url=f"https://n{n}.example")
        for n in range(MAX_CANDIDATES)
    )
    announce(client, key_of("one more").node_id, "https://one-more.example")
    assert Peer.objects.count() == MAX_CANDIDATES
    assert not Peer.objects.filter(base_url="https://one-more.example").exists()
