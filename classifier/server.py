"""The inference service: `python -m classifier serve`, the model behind HTTP.

POST /v1/detect  one image file as the body -> one DetectionRun as JSON
GET  /healthz    the process is up
GET  /readyz     the model is loaded (503 until it is): describe(), its settings, batches

Plain Python, no Django and no database: a worker with BIRDAI_INFERENCE_URL set
sends its photos here (remote.py). Concurrent requests are run as one batch
(batcher.py). Each request gets a thread (ThreadingHTTPServer); decoding happens
there, so a bad image is that request's 4xx and never reaches the batch.
"""

import json
import logging
import signal
import socket
import sys
import threading
from contextlib import suppress
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from .batcher import Batcher
from .config import ModelConfig
from .detector import load_detector
from .errors import ModelError
from .service_config import ServerSettings
from .wire import Refused, pixels_from_body, run_to_json

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)


class InferenceServer(ThreadingHTTPServer):
    daemon_threads = True  # a request cut off at exit is retried by its worker

    def __init__(self, address: tuple[str, int], settings: ServerSettings) -> None:
        super().__init__(address, InferenceHandler)
        self.settings = settings
        self.batcher: Batcher | None = None  # set once the model is loaded
        self.config: ModelConfig | None = None
        self.load_error = ""

    def load(self, config: ModelConfig) -> None:
        """Load and warm up the model; on failure, say why and stop the server."""
        try:
            detector = load_detector(config)
        except ModelError as error:
            self.load_error = str(error)
            print(f"error: {error}", file=sys.stderr, flush=True)
            threading.Thread(target=self.shutdown).start()
            return
        size = self.settings.batch_size_for(detector.device)
        self.config = config
        self.batcher = Batcher(detector, size, self.settings.batch_wait_ms / 1000)
        ready = f"Model {config.weights.name} ready on {detector.device}, batches of up to {size}"
        print(ready, flush=True)

    def readiness(self) -> tuple[int, dict[str, Any]]:
        if self.batcher is None or self.config is None:
            return 503, {"ready": False, "error": self.load_error or "the model is loading"}
        return 200, {
            "ready": True,
            "model": self.batcher.detector.describe(),
            "config": {**asdict(self.config), "weights": str(self.config.weights)},
            "batch_size": self.batcher.size,
            "batch_wait_ms": self.settings.batch_wait_ms,
            "batches": self.batcher.sizes_seen(),
        }


class InferenceHandler(BaseHTTPRequestHandler):
    server: InferenceServer
    protocol_version = "HTTP/1.1"  # keep-alive, for clients that reuse a connection

    def handle_one_request(self) -> None:
        # A client that sends slowly (or not at all) is cut off: it cannot hold a
        # thread and a socket forever. The watch stops once the body is in.
        self._watch = threading.Timer(self.server.settings.client_timeout, self._cut_off)
        self._watch.start()
        try:
            super().handle_one_request()
        finally:
            self._watch.cancel()

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._answer(200, {"status": "ok"})
        elif self.path == "/readyz":
            self._answer(*self.server.readiness())
        else:
            self._answer(404, {"error": "GET /healthz or /readyz; POST /v1/detect"})

    def do_POST(self) -> None:
        batcher = self.server.batcher
        try:
            if batcher is None:
                raise Refused(503, f"Not ready: {self.server.readiness()[1]['error']}")
            pixels = self._pixels()
        except Refused as refused:
            # Closed after a refusal: a body left unread would be taken for the next request.
            self.close_connection = True
            self._answer(refused.status, {"error": refused.message})
            return
        try:
            run, batch_size = batcher.submit(pixels).result()
        except Exception as error:
            self._answer(500, {"error": f"Inference failed: {error.__class__.__name__}: {error}"})
            return
        self._answer(200, run_to_json(run, batch_size))

    def _pixels(self) -> "np.ndarray":
        if self.path != "/v1/detect":
            raise Refused(404, "POST images to /v1/detect")
        length = self._content_length()
        body = self.rfile.read(length)
        self._watch.cancel()  # the request is in: inference may take as long as it needs
        if len(body) < length:
            raise Refused(400, "The body ended before its Content-Length")
        max_pixels = self.server.settings.max_pixels
        return pixels_from_body(body, self.headers.get("Content-Type", ""), max_pixels)

    def _content_length(self) -> int:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise Refused(411, "Send a Content-Length; chunked bodies are not taken")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise Refused(411, "Send the image's size as Content-Length") from None
        largest = self.server.settings.max_body
        if not 0 < length <= largest:
            raise Refused(413, f"The body must be 1 to {largest} bytes, not {length}")
        return length

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        with suppress(OSError):  # the client has gone (or was cut off): nobody to tell
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)

    def _cut_off(self) -> None:
        self.close_connection = True
        with suppress(OSError):  # already closed
            self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)


def serve(host: str, port: int) -> int:
    """Listen at once (so /healthz answers while the model loads), then load it."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = ServerSettings.from_env()
    config = ModelConfig.from_env()
    try:
        server = InferenceServer((host, port), settings)
    except OSError as error:  # the port is taken, the address is not this machine's
        raise ModelError(f"Cannot listen on {host}:{port}: {error.strerror}") from None
    print(f"Inference service on http://{host}:{server.server_port}", flush=True)
    threading.Thread(target=server.load, args=(config,), name="load", daemon=True).start()
    # SIGTERM (docker stop, Kubernetes) ends serve_forever; workers retry what was cut off.
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    with suppress(KeyboardInterrupt):  # Ctrl-C in a terminal
        server.serve_forever()
    server.server_close()
    return 1 if server.load_error else 0
