"""The one module that calls peers: its address guard, and peers that misbehave.

Real sockets on loopback: HTTPS servers in a thread, with the throw-away CA of
tests/gossip/tls.py. With private addresses refused (as deployed), the client
will not even connect to them; with them allowed (as in a classroom), it talks
to bob's node, and refuses answers that are too big, too slow or not JSON.
"""

import ipaddress
import threading
import time

import pytest

from gossip.client import PeersClient, address_public, base_url_refusal
from gossip.protocol.messages import Info
from gossip.protocol.round import PeerError
from tests.gossip.https_server import https_server, reply

MB = 1024 * 1024


def client(certificates, *, allow_private=True, ca=True, timeout=1.0) -> PeersClient:
    ca_bundle = str(certificates.ca) if ca else ""
    return PeersClient(
        timeout=timeout, max_body=4 * MB, allow_private=allow_private, ca_bundle=ca_bundle
    )


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",  # the cloud's metadata service
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:169.254.169.254",
        "2002:7f00:1::",  # 6to4 around 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 around 169.254.169.254
    ],
)
def test_private_loopback_and_link_local_addresses_are_not_public(address):
    assert not address_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_public_addresses_are(address):
    assert address_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://birds.example.org", "only https peers are called"),
        ("https://127.0.0.1:8443", "127.0.0.1 is not a public address"),
        ("https://169.254.169.254", "169.254.169.254 is not a public address"),
        ("https://[::1]:8443", "::1 is not a public address"),
        ("https://localhost:8443", "localhost is loopback"),
        ("https://birds.example.org", None),
    ],
)
def test_heard_addresses_are_checked_before_they_are_kept(settings, url, reason):
    settings.GOSSIP_ALLOW_PRIVATE = False
    assert base_url_refusal(url) == reason


def test_allowing_private_addresses_still_means_https(settings):
    settings.GOSSIP_ALLOW_PRIVATE = True
    assert base_url_refusal("https://127.0.0.1:8443") is None
    assert base_url_refusal("http://127.0.0.1:8443") == "only https peers are called"


def test_a_peer_at_loopback_is_never_called_when_private_addresses_are_refused(certificates):
    calls = []
    with https_server(certificates, lambda handler, body: calls.append(handler.path)) as url:
        refusing = client(certificates, allow_private=False)
        with pytest.raises(PeerError, match=r"is at 127\.0\.0\.1, not a public address"):
            refusing.info(url)
        # A name is checked once resolved: localhost is loopback whatever it is called.
        with pytest.raises(PeerError, match=r"localhost is at (127\.0\.0\.1|::1), not a public"):
            refusing.info(url.replace("127.0.0.1", "localhost"))
    assert calls == []


def test_with_private_addresses_allowed_it_talks_to_bob(certificates, bob_online):
    assert client(certificates).info(bob_online.base_url) == Info(
        node_id=bob_online.node_id, base_url=bob_online.base_url
    )


def test_a_certificate_from_an_unknown_ca_is_refused(certificates, bob_online):
    with pytest.raises(PeerError, match="CERTIFICATE_VERIFY_FAILED"):
        client(certificates, ca=False).info(bob_online.base_url)


def test_plain_http_is_never_called(certificates):
    with pytest.raises(PeerError, match="only https"):
        client(certificates).fetch("http://127.0.0.1:9/gossip/v1/info", None)


def big(handler, body):
    reply(handler, 200, b"[" + b"0," * (5 * MB) + b"0]", "application/json")


def big_without_length(handler, body):
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Connection", "close")
    handler.end_headers()
    for _ in range(10):
        handler.wfile.write(b" " * MB)


@pytest.mark.parametrize("handle", [big, big_without_length], ids=["declared", "undeclared"])
def test_a_10_mb_answer_is_refused(certificates, handle):
    with https_server(certificates, handle) as url, pytest.raises(PeerError, match="answer over"):
        client(certificates).info(url)


def test_a_slow_peer_is_cut_off_at_the_deadline(certificates):
    released = threading.Event()

    def slow(handler, body):
        released.wait(timeout=10)

    def drip(handler, body):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.end_headers()
        for _ in range(100):  # a byte at a time: every read comes in time, the whole never
            if released.wait(timeout=0.1):
                return
            handler.wfile.write(b" ")
            handler.wfile.flush()

    for handle in (slow, drip):
        with https_server(certificates, handle) as url:
            started = time.monotonic()
            with pytest.raises(PeerError, match=r"no answer within 1\.0 s"):
                client(certificates, timeout=1.0).info(url)
            assert time.monotonic() - started < 2
            released.set()
        released.clear()


@pytest.mark.parametrize(
    ("status", "body", "kind", "error"),
    [
        (200, b"<html>hello</html>", "text/html", "answered 'text/html', not application/json"),
        (500, b'{"error": "on fire"}', "application/json", "answered HTTP 500: 'on fire'"),
        (200, b'{"node_id": 1}', "application/json", "answered with no valid Info: node_id"),
        (200, b"{not json", "application/json", "answered with no valid Info: body: Invalid JSON"),
    ],
)
def test_an_answer_that_is_not_the_message_is_a_peer_error(certificates, status, body, kind, error):
    def answer(handler, request_body):
        reply(handler, status, body, kind)

    with https_server(certificates, answer) as url, pytest.raises(PeerError, match=error):
        client(certificates).info(url)
