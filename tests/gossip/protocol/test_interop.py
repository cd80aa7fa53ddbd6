"""Records from other implementations: v1 as first specified, numbers as spelled, new fields.

A record is verified over its fields exactly as they came, and passed on so: a
record without the three extension fields is a sighting's first version, an
integer where the spec says "number" stays an integer in the signed text, and a
field this node does not know is kept and relayed. Forged, out-of-range and gap
records are refused as ever.
"""

import json
import uuid

import pytest

from gossip.protocol.exchange import delta, merge
from gossip.protocol.limits import MAX_RECORD_BYTES
from gossip.protocol.messages import ExchangeResponse, UpdatesRequest, decode, encode
from gossip.protocol.records import Record, first_version_id, record_parse
from gossip.protocol.signing import canonical_json
from tests.gossip.actors import key_of, signed_as

FIRST_VERSION_IDS = uuid.UUID("23fdbbf4-f3af-4dfb-b038-f84d881486c9")  # docs/gossip.md
DAVE = key_of("dave")  # runs another implementation, without the extensions


def v1_record(seq: int, key=DAVE, **changes) -> dict:
    """A record as protocol v1 first specified it: no id, deleted or replaces."""
    fields = {
        "origin": key.node_id,
        "seq": seq,
        "published_at": "2026-05-17T08:31:02Z",
        "observed_at": None,
        "labels": [{"label": "robin", "confidence": 0.8}],
        "location": {"lat": 52.37, "lon": 4.89, "precision_m": 25.0},
        "image_url": None,
        "thumb_url": None,
        **changes,
    }
    return signed_as(key, fields)


def test_a_record_without_the_extensions_is_the_first_version_of_its_sighting():
    sent = v1_record(1)
    record = record_parse(sent)
    assert isinstance(record, Record) and record.signature_valid()
    assert (record.deleted, record.replaces) == (False, [])
    assert record.id == str(uuid.uuid5(FIRST_VERSION_IDS, f"{DAVE.node_id}:1"))
    assert record.id == first_version_id(DAVE.node_id, 1) != first_version_id(DAVE.node_id, 2)
    assert record.wire() == sent  # passed on as it came: nothing added


def test_a_peer_that_writes_integers_where_numbers_belong_verifies():
    sent = v1_record(
        1,
        labels=[{"label": "robin", "confidence": 1}],
        location={"lat": 52, "lon": 5, "precision_m": 1000},
    )
    record = record_parse(sent)
    assert isinstance(record, Record) and record.signature_valid()
    assert record.location is not None and record.location.precision_m == 1000.0  # its meaning
    assert b'"precision_m":1000}' in record.signed_bytes()  # its signed text, as spelled
    relayed = decode(
        ExchangeResponse, encode(ExchangeResponse(digest={}, updates=[record.wire()], peers=[]))
    )
    assert type(relayed.updates[0]["location"]["lat"]) is int  # type: ignore[index]
    assert record_parse(relayed.updates[0]).signature_valid()  # type: ignore[union-attr]


def test_a_signer_signs_what_it_sends_whatever_the_spelling():
    as_float = v1_record(1, location={"lat": 52.0, "lon": 5.0, "precision_m": 1000.0})
    sent_as_integers = {**as_float, "location": {"lat": 52, "lon": 5, "precision_m": 1000}}
    record = record_parse(sent_as_integers)
    assert isinstance(record, Record) and not record.signature_valid()


def test_unknown_fields_are_kept_signed_and_relayed_as_received(alice_node, bob_node):
    sent = v1_record(
        1,
        altitude_m=35,
        location={"lat": 52.37, "lon": 4.89, "precision_m": None, "datum": "WGS84"},
    )
    assert merge(alice_node.store, [sent]).rejected == []
    # alice relays it to bob, as JSON on the wire; bob verifies the same text.
    pulled = ExchangeResponse(
        digest={}, updates=[r.wire() for r in delta(alice_node.store, {})], peers=[]
    )
    [relayed] = decode(ExchangeResponse, encode(pulled)).updates
    assert canonical_json(relayed) == canonical_json(sent)
    assert [r.wire() for r in merge(bob_node.store, [relayed]).accepted] == [sent]


@pytest.mark.parametrize(
    "number",
    [b"1e16", b"1.5e-7", b"0.1", b"1000.0", b"1000", b"-0.0", b"123456789012345678901234567890"],
)
def test_every_number_survives_a_trip_over_the_wire(number):
    body = b'{"from": {"node_id": "%s", "base_url": "https://dave.example"}, "updates": [%s]}'
    fields = {**v1_record(1), "extra": json.loads(number)}
    record = signed_as(DAVE, {k: v for k, v in fields.items() if k != "sig"})
    request = decode(UpdatesRequest, body % (DAVE.node_id.encode(), json.dumps(record).encode()))
    again = decode(UpdatesRequest, encode(request))
    parsed = record_parse(again.updates[0])
    assert isinstance(parsed, Record) and parsed.signature_valid(), number


def test_a_record_too_big_or_unwritable_is_refused_with_a_reason():
    huge = record_parse(v1_record(1, notes="x" * MAX_RECORD_BYTES))
    assert isinstance(huge, str) and huge.startswith("record: Value error, is ")
    assert huge.endswith(f"bytes in canonical form, at most {MAX_RECORD_BYTES}")
    infinite = record_parse({**v1_record(1), "extra": float("inf")})  # 1e400 reads so
    assert infinite == "record: Value error, has a value canonical JSON cannot write"


def test_forged_out_of_range_and_gap_records_are_refused_as_ever(bob_node):
    forged = {**v1_record(1, key=key_of("mallory")), "origin": DAVE.node_id}
    off_the_globe = v1_record(1, location={"lat": 91, "lon": 0, "precision_m": None})
    gap = v1_record(3)
    result = merge(bob_node.store, [forged, off_the_globe, gap, v1_record(1), v1_record(1)])
    reasons = [refusal.reason for refusal in result.rejected]
    assert reasons[0].startswith("bad signature")
    assert reasons[1].startswith("location.lat: Input should be less than or equal to 90")
    assert reasons[2] == "gap: this node holds up to seq 0; seq 1 must come first"
    assert [r.seq for r in result.accepted] == [1]
    assert [r.reason for r in result.ignored] == ["seq 1 is already held"]


def test_some_extensions_without_the_others_mean_what_they_say(bob_node):
    merge(bob_node.store, [v1_record(1)])
    tombstone = v1_record(2, deleted=True, labels=[], location=None)
    assert (
        record_parse(tombstone)
        == "record: Value error, a tombstone must replace the records it deletes"
    )
    # Without an id, seq 3 is a sighting of its own: it cannot replace seq 1's.
    [refusal] = merge(bob_node.store, [v1_record(2, replaces=[1])]).rejected
    assert refusal.reason == "replaces seq 1, which is another sighting"
