"""The database store keeps records exactly as the in-memory one does, in PostgreSQL.

bob's node (in memory) publishes, changes and deletes sightings; the deployment
under test takes his records in through the protocol core's merge, into its
database, and must then answer every question the way a MemoryStore would.
"""

import threading

import pytest
from django.db import connection

from gossip.identity import this_node
from gossip.models import HeldRecord, Slot
from gossip.protocol.exchange import delta, merge
from gossip.protocol.origin import unpublish
from gossip.protocol.store import MemoryStore
from tests.gossip.actors import sighting_id, signed_as, squirrel

pytestmark = pytest.mark.usefixtures("gossip_on")


@pytest.fixture
def home(db):
    return this_node()


@pytest.fixture
def bobs_news(bob_node) -> list[dict]:
    """Five squirrels, then the first moved (a new version) and the second deleted."""
    for number in range(5):
        squirrel(bob_node, number)
    squirrel(bob_node, 0, location={"lat": 48.85, "lon": 2.35, "precision_m": 30.0})
    unpublish(bob_node, sighting_id=sighting_id(1))
    return [record.wire() for record in delta(bob_node.store, {})]


def test_it_answers_as_a_memory_store_does(home, bob_node, bobs_news):
    twin = MemoryStore()
    assert merge(twin, bobs_news).rejected == []
    assert len(merge(home.store, bobs_news).accepted) == len(bobs_news)
    bob = bob_node.node_id
    assert home.store.digest() == twin.digest() == {bob: 7}
    for seq in range(1, 9):
        assert home.store.covering(bob, seq) == twin.covering(bob, seq)
        for limit in (1, 2, 10):
            assert home.store.records_from(bob, seq, limit) == twin.records_from(bob, seq, limit)
    assert home.store.sighting(bob, sighting_id(0)).seq == 6
    assert home.store.sighting(bob, sighting_id(1)).deleted
    assert HeldRecord.objects.count() == 5  # the replaced versions are gone
    assert Slot.objects.count() == 7  # and every seq still has its slot


def test_the_records_from_a_seq_are_one_query(home, bobs_news, bob_node, django_assert_num_queries):
    merge(home.store, bobs_news)
    with django_assert_num_queries(1):
        assert [r.seq for r in home.store.records_from(bob_node.node_id, 1, 10)] == [6, 7, 3, 4, 5]


def test_the_core_refusals_hold_in_the_database(home, bob_node, mallory_key):
    records = [squirrel(bob_node, number).wire() for number in range(3)]
    forged = signed_as(mallory_key, {k: v for k, v in records[1].items() if k != "sig"})
    result = merge(home.store, [records[0], records[2], forged, records[1], records[0]])
    assert [r.reason[:13] for r in result.rejected] == ["gap: this nod", "bad signature"]
    assert [r.reason for r in result.ignored] == ["seq 1 is already held"]
    assert home.store.digest() == {bob_node.node_id: 2}


def test_a_batch_that_fails_halfway_keeps_nothing(home, bob_node, monkeypatch):
    records = [squirrel(bob_node, number).wire() for number in range(2)]
    kept = []

    def follow(record):
        kept.append(record)
        if len(kept) == 2:
            raise RuntimeError("the map could not take it")

    home.store.follow = follow
    with pytest.raises(RuntimeError):
        merge(home.store, records)
    assert home.store.digest() == {}


@pytest.mark.django_db(transaction=True)
def test_publications_at_once_never_share_a_seq(settings):
    home = this_node()

    def publish_five(first: int) -> None:
        try:
            for number in range(first, first + 5):
                squirrel(home, number)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=publish_five, args=(n * 5,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    seqs = sorted(HeldRecord.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, 16))
    assert home.store.digest() == {home.node_id: 15}
