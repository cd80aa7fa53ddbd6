"""The one module that sends HTTP to peers: HTTPS only, to public addresses only.

Every call to another node goes through `PeersClient`, the Transport of
gossip/protocol/round.py in the deployed node:

- **https only, always** (tests too): digests and peer lists are not signed, and
  the records carry where people watch wildlife; neither travels in clear text.
- **public addresses only.** The host name is resolved once and every address it
  has is checked; then the connection goes to the checked address, while TLS still
  checks the certificate against the name. So a DNS answer that changes between
  the check and the connection (DNS rebinding) cannot slip a private address in.
  Without this, any node could make this one call into its own network (a router,
  the cloud's metadata service at 169.254.169.254). BIRDAI_GOSSIP_ALLOW_PRIVATE=1
  lifts the check, for tests and classrooms on one machine.
- **bounded**: one deadline for the whole call (connect, send, answer; the DNS
  lookup is the system resolver's), and the answer's size capped while it is read.
- **JSON only**, parsed into the message it must be. Any failure is a PeerError.
"""

import http.client
import ipaddress
import json
import math
import socket
import ssl
import time
from collections.abc import Buffer
from urllib.parse import urlsplit

from django.conf import settings
from pydantic import BaseModel, ValidationError

from gossip.protocol import messages
from gossip.protocol.records import validation_reason
from gossip.protocol.round import PeerError

type Address = ipaddress.IPv4Address | ipaddress.IPv6Address

CHUNK_BYTES = 64 * 1024
HEADERS = {"Accept": "application/json", "User-Agent": "bird.ai-gossip/1"}
# NAT64's well-known prefix: 64:ff9b::a.b.c.d is the IPv4 address a.b.c.d.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


def address_public(address: Address) -> bool:
    """Whether `address` is on the public internet; for IPv6 that carries an IPv4
    address (::ffff:127.0.0.1 is loopback), the IPv4 address inside counts too."""
    return all(
        candidate.is_global
        and not (
            candidate.is_private
            or candidate.is_loopback
            or candidate.is_link_local
            or candidate.is_reserved
            or candidate.is_multicast
            or candidate.is_unspecified
        )
        for candidate in _judged(address)
    )


def _judged(address: Address) -> list[Address]:
    if not isinstance(address, ipaddress.IPv6Address):
        return [address]
    # IPv4-mapped and NAT64 addresses are only ways of reaching an IPv4 one: judge that.
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address in NAT64:
        return [ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)]
    # 6to4 and Teredo addresses are IPv6 of their own that also lead to IPv4 ones.
    inside = [address.sixtofour, *(address.teredo or ())]
    return [address, *(v4 for v4 in inside if v4 is not None)]


def base_url_refusal(base_url: str) -> str | None:
    """Why this node would not call `base_url`, as far as the URL alone tells; None: it would.

    For addresses heard in gossip, before they are kept. Host names are checked when
    they are called (PeersClient): a DNS lookup inside a web request could be made
    slow by whoever runs that name's DNS, and its answer may change anyway.
    """
    parts = urlsplit(base_url)
    if parts.scheme != "https":
        return "only https peers are called"
    host = parts.hostname or ""
    if settings.GOSSIP_ALLOW_PRIVATE:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return f"{host} is loopback"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None  # a name: checked once it is resolved
    return None if address_public(address) else f"{host} is not a public address"


class PeersClient:
    def __init__(
        self, *, timeout: float, max_body: int, allow_private: bool, ca_bundle: str = ""
    ) -> None:
        self.timeout = timeout
        self.max_body = max_body
        self.allow_private = allow_private
        self.tls = ssl.create_default_context()
        self.tls.sslsocket_class = _DeadlineSocket
        if ca_bundle:
            self.tls.load_verify_locations(cafile=ca_bundle)  # trusted beside the system's

    @classmethod
    def from_settings(cls) -> "PeersClient":
        return cls(
            timeout=settings.GOSSIP_TIMEOUT,
            max_body=settings.GOSSIP_MAX_BODY,
            allow_private=settings.GOSSIP_ALLOW_PRIVATE,
            ca_bundle=settings.GOSSIP_CA_BUNDLE,
        )

    def info(self, base_url: str) -> messages.Info:
        return self._call(base_url, "info", None, messages.Info)

    def probe(self, peer: messages.Peer, request: messages.ProbeRequest) -> messages.ProbeResponse:
        return self._call(peer.base_url, "probe", request, messages.ProbeResponse)

    def exchange(
        self, peer: messages.Peer, request: messages.ExchangeRequest
    ) -> messages.ExchangeResponse:
        return self._call(peer.base_url, "exchange", request, messages.ExchangeResponse)

    def updates(
        self, peer: messages.Peer, request: messages.UpdatesRequest
    ) -> messages.UpdatesResponse:
        return self._call(peer.base_url, "updates", request, messages.UpdatesResponse)

    def _call[M: BaseModel](
        self, base_url: str, endpoint: str, message: messages.Message | None, kind: type[M]
    ) -> M:
        body = None if message is None else messages.encode(message)
        answer = self.fetch(f"{base_url}/gossip/v1/{endpoint}", body)
        try:
            return messages.decode(kind, answer)
        except ValidationError as error:
            reason = validation_reason(error, whole="body")
            raise PeerError(f"answered with no valid {kind.__name__}: {reason}") from None

    def fetch(self, url: str, body: bytes | None) -> bytes:
        """GET `url` (or POST `body` to it, as JSON); the answer's JSON bytes."""
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise PeerError(f"only https peers are called, not {url[:100]!r}")
        try:
            port = parts.port or 443
        except ValueError:
            raise PeerError(f"no valid port in {url[:100]!r}") from None
        address = self._resolve(parts.hostname, port)
        deadline = time.monotonic() + self.timeout
        connection = _PinnedConnection(parts.hostname, port, address, self.tls, deadline)
        try:
            return self._send(connection, parts.path, body)
        except (OSError, http.client.HTTPException) as error:
            if time.monotonic() >= deadline:
                raise PeerError(f"no answer within {self.timeout} s") from None
            raise PeerError(f"{error.__class__.__name__}: {error}") from None
        finally:
            connection.close()

    def _resolve(self, host: str, port: int) -> str:
        """The address to connect to, once every address of `host` passed the check."""
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            raise PeerError(f"cannot resolve {host}: {error}") from None
        addresses = [str(sockaddr[0]) for *_, sockaddr in found]
        for address in addresses:
            if not self.allow_private and not address_public(ipaddress.ip_address(address)):
                raise PeerError(f"{host} is at {address}, not a public address")
        return addresses[0]

    def _send(self, connection: "_PinnedConnection", path: str, body: bytes | None) -> bytes:
        if body is None:
            connection.request("GET", path, headers=HEADERS)
        else:
            headers = HEADERS | {"Content-Type": "application/json"}
            connection.request("POST", path, body=body, headers=headers)
        return self._read(connection.getresponse())

    def _read(self, response: http.client.HTTPResponse) -> bytes:
        if response.status != 200:
            raise PeerError(f"answered HTTP {response.status}{_said(response)}")
        kind = (response.getheader("Content-Type") or "").split(";")[0].strip()
        if kind != "application/json":
            raise PeerError(f"answered {kind[:50]!r}, not application/json")
        length = response.getheader("Content-Length") or ""
        if length.isdigit() and int(length) > self.max_body:
            raise PeerError(f"answer over {self.max_body} bytes")
        chunks, size = [], 0
        while chunk := response.read(CHUNK_BYTES):
            size += len(chunk)
            if size > self.max_body:
                raise PeerError(f"answer over {self.max_body} bytes")
            chunks.append(chunk)
        return b"".join(chunks)


class _PinnedConnection(http.client.HTTPConnection):
    """HTTPS to the address the check approved, the certificate checked against the name."""

    default_port = 443

    def __init__(
        self, host: str, port: int, address: str, tls: ssl.SSLContext, deadline: float
    ) -> None:
        super().__init__(host, port)
        self.address = address
        self.tls = tls
        self.deadline = deadline

    def connect(self) -> None:
        plain = socket.create_connection((self.address, self.port), _time_left(self.deadline))
        tls = self.tls.wrap_socket(plain, server_hostname=self.host, do_handshake_on_connect=False)
        assert isinstance(tls, _DeadlineSocket)
        tls.deadline = self.deadline
        tls.do_handshake()
        self.sock = tls


class _DeadlineSocket(ssl.SSLSocket):
    """A TLS socket whose reads and writes all end by one deadline.

    A socket's own timeout bounds each read; a peer that drips its answer a byte at
    a time would pass every one of them and still keep us forever. So each read and
    write gets only the time left.
    """

    deadline = math.inf

    def recv_into(self, buffer: Buffer, nbytes: int | None = None, flags: int = 0) -> int:
        self.settimeout(_time_left(self.deadline))
        return super().recv_into(buffer, nbytes, flags)

    def send(self, data: Buffer, flags: int = 0) -> int:
        self.settimeout(_time_left(self.deadline))
        return super().send(data, flags)

    def do_handshake(self, block: bool = False) -> None:
        self.settimeout(_time_left(self.deadline))
        super().do_handshake(block)


def _time_left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the deadline has passed")
    return left


def _said(response: http.client.HTTPResponse) -> str:
    """What a refusing peer said (its {"error": …}, shortened), for the log."""
    try:
        said = json.loads(response.read(2000)).get("error")
    except (ValueError, AttributeError, OSError, http.client.HTTPException):
        return ""
    return f": {said[:200]!r}" if isinstance(said, str) else ""
