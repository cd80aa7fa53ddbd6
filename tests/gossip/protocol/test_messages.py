"""Messages: their limits are checked before their contents, and "from" is spelled so."""

import json

import pytest
from pydantic import ValidationError

from gossip.protocol.limits import MAX_DIGEST_ENTRIES, MAX_PEERS, MAX_UPDATES
from gossip.protocol.messages import (
    ExchangeRequest,
    ExchangeResponse,
    Info,
    Peer,
    ProbeRequest,
    UpdatesRequest,
    decode,
    encode,
)
from tests.gossip.actors import key_of, squirrel


def message_error(kind, body: dict) -> str:
    with pytest.raises(ValidationError) as error:
        decode(kind, json.dumps(body).encode())
    return str(error.value)


@pytest.fixture
def alice_peer(alice_node) -> dict:
    return {"node_id": alice_node.node_id, "base_url": alice_node.base_url}


def test_a_message_goes_out_and_comes_back_the_same(alice_node, bob_node):
    request = ProbeRequest(
        sender=alice_node.as_peer(), digest_sha256="A" * 43, peers=[bob_node.as_peer()]
    )
    body = encode(request)
    assert body.startswith(b'{"from":{"node_id":"')
    assert b" " not in body
    assert decode(ProbeRequest, body) == request


def test_info_says_protocol_1(alice_node):
    assert json.loads(encode(alice_node.info())) == {
        "node_id": alice_node.node_id,
        "base_url": alice_node.base_url,
        "protocol": 1,
    }
    assert message_error(Info, {**json.loads(encode(alice_node.info())), "protocol": 2})


def test_a_digest_of_100000_entries_is_refused_before_it_is_read(alice_peer):
    digest = {f"node-{n}": 1 for n in range(100_000)}  # not even node ids: never looked at
    error = message_error(ExchangeRequest, {"from": alice_peer, "digest": digest, "peers": []})
    assert "digest\n  Value error, has 100000 entries, at most 10000" in error


def test_a_digest_of_10000_entries_is_fine(alice_peer):
    digest = {key_of(str(n)).node_id: n + 1 for n in range(MAX_DIGEST_ENTRIES)}
    request = decode(
        ExchangeRequest, json.dumps({"from": alice_peer, "digest": digest, "peers": []}).encode()
    )
    assert len(request.digest) == MAX_DIGEST_ENTRIES


@pytest.mark.parametrize("entry", [("alice", 1), ("A" * 43, 0), ("A" * 43, "1")])
def test_a_digest_entry_is_a_node_id_and_a_seq(alice_peer, entry):
    assert message_error(
        ExchangeRequest, {"from": alice_peer, "digest": dict([entry]), "peers": []}
    )


def test_more_than_500_updates_are_refused(alice_node, alice_peer):
    record = squirrel(alice_node).wire()
    error = message_error(
        UpdatesRequest, {"from": alice_peer, "updates": [record] * (MAX_UPDATES + 1)}
    )
    assert "has 501 records, at most 500" in error


def test_a_bad_record_does_not_spoil_the_message(alice_node, alice_peer):
    body = {"digest": {}, "updates": [{"lat": 91}, squirrel(alice_node).wire()], "peers": []}
    response = decode(ExchangeResponse, json.dumps(body).encode())
    assert len(response.updates) == 2  # merge() judges them one by one


def test_more_than_20_peers_are_refused(alice_peer):
    peers = [
        {"node_id": key_of(str(n)).node_id, "base_url": f"https://n{n}.example"} for n in range(21)
    ]
    error = message_error(ExchangeRequest, {"from": alice_peer, "digest": {}, "peers": peers})
    assert f"has 21 peers, at most {MAX_PEERS}" in error


@pytest.mark.parametrize(
    "base_url",
    [
        "ftp://alice.example",
        "https://alice.example/",
        "https://alice.example?x=1",
        "https://alice@alice.example",
        "alice.example",
    ],
)
def test_a_peer_address_is_an_http_base_url(base_url):
    with pytest.raises(ValidationError):
        Peer(node_id=key_of("alice").node_id, base_url=base_url)


def test_plain_http_and_a_path_are_valid_in_a_message():  # never called here, though
    Peer(node_id=key_of("alice").node_id, base_url="http://127.0.0.1:8000/birdai")


def test_unknown_fields_in_a_message_are_ignored_for_later_versions(alice_peer):
    body = {"from": alice_peer, "digest": {}, "peers": [], "compression": "zstd"}
    assert decode(ExchangeRequest, json.dumps(body).encode()).digest == {}
