"""Scuttlebutt-style reconciliation, as pure functions over a Store.

Two nodes compare digests (origin → watermark); each sends the other the records
above the other's watermark, per origin in slot order and without skipping one,
so that a list cut short at MAX_UPDATES still leaves the receiver with an unbroken
run. See van Renesse et al., "Efficient Reconciliation and Flow Control for
Anti-Entropy Protocols" (LADIS 2008), and docs/gossip.md.
"""

import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from gossip.protocol.admission import Refusal, admit
from gossip.protocol.limits import MAX_UPDATES
from gossip.protocol.records import Record
from gossip.protocol.signing import b64url_encode, canonical_json
from gossip.protocol.store import Store

log = logging.getLogger(__name__)


def digest_sha256(digest: Mapping[str, int]) -> str:
    """A digest in 43 characters: two nodes with the same one are in sync."""
    return b64url_encode(hashlib.sha256(canonical_json(dict(digest))).digest())


def fair_shares(needs: Mapping[str, int], limit: int) -> dict[str, int]:
    """Split `limit` over origins: small needs are met in full, big ones share the rest.

    Max-min fairness: going from the smallest need up, each origin gets its need or
    an equal part of what is left, whichever is less. One origin with a million
    records therefore cannot starve the others out of a message.
    """
    shares: dict[str, int] = {}
    left = limit
    by_need = sorted(needs, key=lambda origin: (needs[origin], origin))
    for index, origin in enumerate(by_need):
        shares[origin] = min(needs[origin], left // (len(by_need) - index))
        left -= shares[origin]
    return shares


def delta(store: Store, remote: Mapping[str, int], limit: int = MAX_UPDATES) -> list[Record]:
    """The records a peer whose digest is `remote` lacks, at most `limit`.

    Ordered by (origin, slot); for each origin they fill the slots right after the
    peer's watermark, in order, without a gap.
    """
    ours = store.digest()
    # Slots above the peer's watermark: an upper bound on the records it lacks.
    needs = {o: w - remote.get(o, 0) for o, w in ours.items() if w > remote.get(o, 0)}
    shares = fair_shares(needs, limit)
    records: list[Record] = []
    for origin in sorted(shares):
        if shares[origin]:
            records += store.records_from(origin, remote.get(origin, 0) + 1, shares[origin])
    return records


@dataclass
class MergeResult:
    accepted: list[Record] = field(default_factory=list)
    ignored: list[Refusal] = field(default_factory=list)  # already held: normal in gossip
    rejected: list[Refusal] = field(default_factory=list)  # invalid: logged


def merge(store: Store, updates: Sequence[object]) -> MergeResult:
    """Take in a batch of incoming records (parsed JSON), each judged on its own.

    An invalid record is dropped with its reason and the rest are still taken; a
    record already held is ignored. Records are judged in the order they came.
    """
    result = MergeResult()
    with store.batch():
        for data in updates:
            outcome = admit(store, data)
            if isinstance(outcome, Record):
                result.accepted.append(outcome)
            elif outcome.already_held:
                result.ignored.append(outcome)
            else:
                log.warning(
                    "gossip: dropped %s seq %s: %s", outcome.origin, outcome.seq, outcome.reason
                )
                result.rejected.append(outcome)
    return result
