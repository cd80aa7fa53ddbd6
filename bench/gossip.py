"""`make bench-gossip`: how fast news spreads by gossip, and what gossip costs once it has.

    python -m bench.gossip [--sizes 10,100,1000] [--fanouts 1,2,3] [--origins 10]
                           [--records 10] [--seed 1] [--max-rounds 60] [--quiet-origins 100]
                           [--quick]

For each network size and fanout it builds the network of bench.gossip_simulation, lets
`--origins` nodes publish `--records` sightings each (plus one update and one
tombstone), and counts the rounds until every node holds every record: once in
lockstep (every node answers from its state at the start of the round, the
conservative model) and once unsynchronised (nodes take turns; what a node got
earlier in the round it passes on). Then one more round measures an exchange of
converged nodes. Last, a quiet network where 100 origins are known to all: the
bytes of one converged exchange. It prints a table, then one JSON line. --quick:
10 nodes, fanout 1, a quiet network of 10 origins; a second or so.
"""

import argparse
import json
import time
from typing import Any

from bench.gossip_simulation import build_network
from bench.machine import machine, machine_line
from bench.options import parse_args

TARGET_ROUNDS = {100: 10, 1000: 14}  # with fanout 3
TARGET_QUIET_BYTES = 2048  # one converged exchange, 100 origins known
QUICK = {"sizes": "10", "fanouts": "1", "quiet_origins": 10}
# The table: each figure's key, its heading (MB: carried until converged) and width.
COLUMNS = {
    "nodes": ("nodes", 6),
    "fanout": ("fanout", 7),
    "model": ("model", 10),
    "rounds": ("rounds", 7),
    "exchanges": ("exchanges", 10),
    "mb": ("MB", 8),
    "converged_exchange_bytes": ("B/conv. exch.", 14),
    "seconds": ("s", 7),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--fanouts", default="1,2,3")
    parser.add_argument("--origins", type=int, default=10, help="nodes with news")
    parser.add_argument("--records", type=int, default=10, help="sightings per origin")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-rounds", type=int, default=60)
    parser.add_argument("--quiet-origins", type=int, default=100, help="the quiet network")
    args = parse_args(parser, QUICK, argv)
    host = machine()
    print(machine_line(host))
    _print_row([heading for heading, _ in COLUMNS.values()])
    spread = []
    for nodes in _numbers(args.sizes):
        for fanout in _numbers(args.fanouts):
            for lockstep in (True, False):
                spread.append(measure_spread(nodes, fanout, lockstep, args))
                _print_row([spread[-1][key] for key in COLUMNS])
    quiet = measure_quiet(origins=args.quiet_origins, seed=args.seed)
    print(
        f"converged exchange, {quiet['origins']} origins known: {quiet['probe_bytes']} B "
        f"(max {quiet['probe_bytes_max']}); without the probe, full digests: "
        f"{quiet['full_exchange_bytes']} B"
    )
    figures = {
        **host,  # the load average too: others share the machine
        **{name: getattr(args, name) for name in ("origins", "records", "seed")},
        "spread": spread,
        "quiet": quiet,
        "targets_met": _targets_met(spread, quiet),
    }
    print(json.dumps(figures))


def measure_spread(
    nodes: int, fanout: int, lockstep: bool, args: argparse.Namespace
) -> dict[str, Any]:
    """Rounds until every node holds every record; then one round of converged exchanges."""
    started = time.perf_counter()
    network = build_network(nodes, min(args.origins, nodes), args.records, args.seed)
    rounds, exchanges = 0, 0
    while not network.converged() and rounds < args.max_rounds:
        exchanges += network.run_round(fanout, lockstep=lockstep)
        rounds += 1
    carried = network.transport.bytes_carried
    quiet_exchanges = network.run_round(fanout, lockstep=lockstep)
    quiet_bytes = network.transport.bytes_carried - carried
    return {
        "nodes": nodes,
        "fanout": fanout,
        "model": "lockstep" if lockstep else "turns",
        "rounds": rounds if network.converged() else None,
        "exchanges": exchanges,
        "mb": round(carried / 1e6, 1),
        "converged_exchange_bytes": round(quiet_bytes / max(quiet_exchanges, 1)),
        "seconds": round(time.perf_counter() - started, 1),
    }


def measure_quiet(origins: int, seed: int) -> dict[str, int]:
    """Bytes of exchanges between nodes that all know the same `origins` origins."""
    network = build_network(origins, origins, records=3, seed=seed)
    while not network.converged():
        network.run_round(fanout=3)
    pairs = list(zip(network.nodes, network.nodes[1:], strict=False))
    probes = [network.exchange_bytes(caller, callee) for caller, callee in pairs]
    return {
        "origins": origins,
        "probe_bytes": round(sum(probes) / len(probes)),
        "probe_bytes_max": max(probes),
        "full_exchange_bytes": network.full_exchange_bytes(network.nodes[0], network.nodes[1]),
    }


def _targets_met(spread: list[dict[str, Any]], quiet: dict[str, int]) -> dict[str, bool]:
    met = {}
    for nodes, most in TARGET_ROUNDS.items():
        rows = [r for r in spread if r["nodes"] == nodes and r["fanout"] == 3]
        if rows:
            met[f"{nodes}_nodes_fanout_3_within_{most}_rounds"] = all(
                r["rounds"] is not None and r["rounds"] <= most for r in rows
            )
    met["quiet_exchange_within_2_kb"] = quiet["probe_bytes_max"] <= TARGET_QUIET_BYTES
    return met


def _print_row(cells: list[Any]) -> None:
    widths = [width for _, width in COLUMNS.values()]
    print("".join(f"{cell!s:>{w}}" for cell, w in zip(cells, widths, strict=True)), flush=True)


def _numbers(text: str) -> list[int]:
    return [int(part) for part in text.split(",")]


if __name__ == "__main__":
    main()
