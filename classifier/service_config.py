"""Settings of the inference service (server.py) and of its client (remote.py).

Read with envreader like the model's own settings (config.py); a bad value is a
ModelError naming the variable. docs/classifier.md, "Inference as its own service".
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from envreader import EnvError, env_parsed

from .errors import ModelError

# The same number as the worker's GPU batch (submissions/classification.py): eight
# photos of up to 640 px fit in the memory of any GPU the course uses.
GPU_BATCH_SIZE = 8


@dataclass(frozen=True)
class ServerSettings:
    """How `python -m classifier serve` batches requests and guards itself."""

    batch_size: int = 0  # images per pass through the network; 0: 8 on a GPU, 1 on a CPU
    batch_wait_ms: float = 10.0  # how long the first request of a batch waits for others
    max_body: int = 32 * 1024 * 1024  # bytes; a larger request is refused (413)
    max_pixels: int = 50_000_000  # an image with more is refused (413), as uploads are
    client_timeout: float = 30.0  # seconds a client may take to send its whole request

    @classmethod
    def from_env(cls) -> "ServerSettings":
        return cls(
            batch_size=_read("BIRDAI_INFERENCE_BATCH_SIZE", 0, _at_least(0, int)),
            batch_wait_ms=_read("BIRDAI_INFERENCE_BATCH_WAIT_MS", 10.0, _at_least(0, float)),
            max_body=_read("BIRDAI_INFERENCE_MAX_BODY", cls.max_body, _at_least(1, int)),
            # The web tier's limit on uploads: a served copy is never larger.
            max_pixels=_read("BIRDAI_MAX_IMAGE_PIXELS", cls.max_pixels, _at_least(1, int)),
            client_timeout=_read("BIRDAI_INFERENCE_CLIENT_TIMEOUT", 30.0, _at_least(0.1, float)),
        )

    def batch_size_for(self, device: str) -> int:
        if self.batch_size > 0:
            return self.batch_size
        return 1 if device == "cpu" else GPU_BATCH_SIZE


@dataclass(frozen=True)
class RemoteSettings:
    """Where the worker finds the inference service, and how long it waits for it."""

    url: str  # e.g. http://inference:8001, without /v1/detect
    timeout: float = 120.0  # seconds one detect_batch call may take, answers included
    start_wait: float = 60.0  # seconds the worker waits at start for the service to be ready

    @classmethod
    def from_env(cls) -> "RemoteSettings | None":
        """None when BIRDAI_INFERENCE_URL is unset: the model runs in this process."""
        url = _read("BIRDAI_INFERENCE_URL", None, _service_url)
        if url is None:
            return None
        return cls(
            url=url,
            timeout=_read("BIRDAI_INFERENCE_TIMEOUT", 120.0, _at_least(0.1, float)),
            start_wait=_read("BIRDAI_INFERENCE_START_WAIT", 60.0, _at_least(0, float)),
        )


def _read[T](name: str, default: T, parse: Callable[[str], T]) -> T:
    try:
        return env_parsed(name, default, parse)
    except EnvError as error:
        raise ModelError(str(error)) from None


def _at_least[N: (int, float)](low: N, kind: Callable[[str], N]) -> Callable[[str], N]:
    def parse(raw: str) -> N:
        value = kind(raw)
        if value < low:
            raise ValueError(f"must be at least {low}")
        return value

    return parse


def _service_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http(s) URL such as http://inference:8001")
    if parts.query or parts.fragment:
        raise ValueError("must have no ?query or #fragment")
    return raw.rstrip("/")
