"""HTTPS servers on loopback, in a thread, for the peers client to call.

`https_server` answers with whatever `handle` writes: a well-behaved peer (bob's
node, in memory, answering as gossip/protocol/node.py does), or one that misbehaves (too
big, too slow, not JSON). Every server stops when its `with` block ends.
"""

import random
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from gossip.protocol import messages
from gossip.protocol.node import Node, answer_exchange, answer_probe, answer_updates
from tests.gossip.tls import Certificates

type Handle = Callable[[BaseHTTPRequestHandler, bytes], None]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a handler still dripping bytes must not hold up the test


@contextmanager
def https_server(certificates: Certificates, handle: Handle) -> Iterator[str]:
    """Serve `handle` over HTTPS at 127.0.0.1 on a free port; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            handle(self, b"")

        def do_POST(self) -> None:
            handle(self, self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet tests

    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(certificates.cert, certificates.key)
    server = _Server(("127.0.0.1", 0), Handler)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def reply(handler: BaseHTTPRequestHandler, status: int, body: bytes, kind: str) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def node_handle(node: Node) -> Handle:
    """A peer that answers as a node does: bob's, in memory, behind real HTTPS."""
    rng = random.Random(5)
    answers = {
        "/gossip/v1/probe": (messages.ProbeRequest, lambda m: answer_probe(node, m, rng)),
        "/gossip/v1/exchange": (messages.ExchangeRequest, lambda m: answer_exchange(node, m, rng)),
        "/gossip/v1/updates": (messages.UpdatesRequest, lambda m: answer_updates(node, m)),
    }

    def handle(handler: BaseHTTPRequestHandler, body: bytes) -> None:
        if handler.path == "/gossip/v1/info":
            answer: messages.Message = node.info()
        else:
            kind, respond = answers[handler.path]
            answer = respond(messages.decode(kind, body))
        reply(handler, 200, messages.encode(answer), "application/json")

    return handle
