"""The simulation: a small network converges, through the same code the endpoints use."""

import pytest

from bench.gossip_simulation import build_network


@pytest.mark.parametrize("lockstep", [True, False], ids=["lockstep", "turns"])
def test_twenty_nodes_converge_on_the_same_records(lockstep):
    network = build_network(nodes=20, origins=5, records=4, seed=3)
    rounds = 0
    while not network.converged():
        network.run_round(fanout=2, lockstep=lockstep)
        rounds += 1
        assert rounds <= 20
    held = [node.store.records() for node in network.nodes]
    assert all(records == held[0] for records in held)
    # 5 origins × 4 sightings, of which one changed (the old version gone) and one deleted.
    assert len(held[0]) == 20
    assert sum(record.deleted for record in held[0]) == 5
    assert all(
        max(r.seq for r in held[0] if r.origin == o) == 6 for o in {r.origin for r in held[0]}
    )


def test_converged_nodes_exchange_only_a_small_probe():
    network = build_network(nodes=12, origins=12, records=2, seed=5)
    while not network.converged():
        network.run_round(fanout=3)
    probe = network.exchange_bytes(network.nodes[0], network.nodes[1])
    assert probe < 2048
    assert network.full_exchange_bytes(network.nodes[0], network.nodes[1]) > probe


def test_the_same_seed_gives_the_same_run():
    def run() -> tuple[int, int]:
        network = build_network(nodes=15, origins=3, records=3, seed=11)
        rounds = 0
        while not network.converged():
            network.run_round(fanout=1, lockstep=True)
            rounds += 1
        return rounds, network.transport.bytes_carried

    assert run() == run()
