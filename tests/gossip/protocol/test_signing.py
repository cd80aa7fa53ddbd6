"""Canonical JSON, base64url and Ed25519: the bytes that are signed, and who signed them."""

import re

import pytest

from gossip.protocol.fields import BYTES_32, BYTES_64
from gossip.protocol.origin import unpublish
from gossip.protocol.records import Record
from gossip.protocol.signing import (
    NodeKey,
    b64url_decode,
    b64url_encode,
    canonical_json,
    signature_valid,
)
from tests.gossip.actors import key_of, sighting_id, signed_as, squirrel

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def test_canonical_json_sorts_keys_at_every_level_and_has_no_spaces():
    value = {"b": 1, "a": {"z": [3, {"y": 2, "x": 1}], "c": None}}
    assert canonical_json(value) == b'{"a":{"c":null,"z":[3,{"x":1,"y":2}]},"b":1}'


def test_canonical_json_writes_unicode_as_utf8_not_escapes():
    assert canonical_json({"label": "Eichhörnchen 🐿"}) == '{"label":"Eichhörnchen 🐿"}'.encode()


def test_canonical_json_writes_floats_as_python_does():
    assert canonical_json([1.0, 0.87, 5e-05, 51.5074, 1]) == b"[1.0,0.87,5e-05,51.5074,1]"


def test_canonical_json_refuses_nan():
    with pytest.raises(ValueError):
        canonical_json({"lat": float("nan")})


def test_base64url_round_trips_without_padding():
    for size in range(0, 70):
        data = bytes(range(size))
        text = b64url_encode(data)
        assert "=" not in text
        assert b64url_decode(text) == data


@pytest.mark.parametrize("text", ["abc=", "ab+c", "ab/c", "ab c", "a", "AB\n"])
def test_base64url_refuses_padding_other_alphabets_and_junk(text):
    with pytest.raises(ValueError):
        b64url_decode(text)


def test_base64url_refuses_a_second_spelling_of_the_same_bytes():
    # "AB" and "AA" both decode to b"\x00" in Python's lenient decoder.
    assert b64url_decode("AA") == b"\x00"
    with pytest.raises(ValueError):
        b64url_decode("AB")


@pytest.mark.parametrize(("size", "pattern"), [(32, BYTES_32), (64, BYTES_64)])
def test_the_field_patterns_accept_exactly_the_canonical_spellings(size, pattern):
    """The patterns check node ids and signatures without decoding: they must agree."""
    stem = b64url_encode(bytes(size))[:-1]
    for last in ALPHABET:
        text = stem + last
        try:
            decodes = len(b64url_decode(text)) == size
        except ValueError:
            decodes = False
        assert bool(re.fullmatch(pattern, text)) == decodes, text


def test_node_key_survives_storage_and_its_id_is_the_public_key():
    key = NodeKey.generate()
    again = NodeKey.from_private_bytes(key.private_bytes())
    assert again.node_id == key.node_id
    assert len(key.node_id) == 43 and len(b64url_decode(key.node_id)) == 32
    assert key.private_bytes().hex() not in repr(key)


def test_a_signature_checks_out_for_its_signer_and_message_only():
    alice, bob = key_of("alice"), key_of("bob")
    sig = alice.sign(b"a squirrel")
    assert signature_valid(alice.node_id, b"a squirrel", sig)
    assert not signature_valid(alice.node_id, b"a squirrel!", sig)
    assert not signature_valid(bob.node_id, b"a squirrel", sig)
    assert not signature_valid(alice.node_id, b"a squirrel", "not base64url!")
    assert not signature_valid("too-short", b"a squirrel", sig)


def test_a_published_record_verifies(alice_node):
    record = squirrel(alice_node)
    assert record.origin == alice_node.node_id
    assert record.signature_valid()
    assert Record.model_validate(record.wire()).signature_valid()  # after a trip as JSON


TAMPERED = {
    "origin": key_of("bob").node_id,
    "seq": 3,
    "id": "00000000-0000-4000-8000-00000000002a",
    "published_at": "2026-05-17T09:00:00Z",
    "observed_at": None,
    "labels": [{"label": "cat", "confidence": 0.91}],
    "location": {"lat": 51.5075, "lon": -0.1278, "precision_m": 12.0},
    "image_url": "https://mallory.example/1.jpg",
    "thumb_url": None,
    "replaces": [],
}


@pytest.mark.parametrize("field", sorted(TAMPERED))
def test_changing_any_field_breaks_the_signature(alice_node, field):
    squirrel(alice_node, 1)
    wire = squirrel(alice_node, 1).wire()  # the second version: seq 2, replaces [1]
    assert wire[field] != TAMPERED[field]
    wire[field] = TAMPERED[field]
    assert not Record.model_validate(wire).signature_valid()


def test_turning_a_tombstone_back_into_a_sighting_breaks_the_signature(alice_node):
    squirrel(alice_node, 1)
    wire = unpublish(alice_node, sighting_id=sighting_id(1)).wire()
    wire["deleted"] = False
    assert not Record.model_validate(wire).signature_valid()


def test_a_record_signed_by_anyone_but_its_origin_does_not_verify(alice_node, mallory_key):
    wire = squirrel(alice_node).wire()
    del wire["sig"]
    forged = Record.model_validate(signed_as(mallory_key, wire))
    assert forged.origin == alice_node.node_id
    assert not forged.signature_valid()
