"""A Detector that sends images to the inference service: what BIRDAI_INFERENCE_URL selects.

The one module that talks HTTP to it (server.py is the other end). The worker
uses it exactly like an in-process model. A batch goes as concurrent requests,
one image each, so the server can run them as one batch, together with other
workers' images. An outage is InferenceUnavailable, never a fault of the photo.
"""

import functools
import http.client
import io
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .config import ModelConfig
from .detection import DetectionRun
from .detector import Detector
from .errors import ImageError, InferenceUnavailable, ModelError
from .pixels import rgb_pixels
from .service_config import RemoteSettings
from .wire import run_from_json

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    from PIL.Image import Image

OUTAGE = {502, 503, 504}  # a proxy without a backend, a server still loading, a timeout


class RemoteDetector(Detector):
    def __init__(self, settings: RemoteSettings, ready: dict[str, Any]) -> None:
        """`ready`: the service's /readyz answer, which names the model it serves."""
        known = {field.name for field in fields(ModelConfig)}
        config = ModelConfig(**{k: v for k, v in ready["config"].items() if k in known})
        super().__init__(config, ready["model"]["device"], tuple(ready["model"]["classes"]))
        self.settings = settings
        self._served = ready["model"]

    def detect_batch(self, images: "Sequence[Image]") -> list[DetectionRun]:
        return self._send([_file_of(image) for image in images])

    def _detect_pixels(self, pixels: list["np.ndarray"]) -> list[DetectionRun]:
        return self._send([_png(array) for array in pixels])

    def describe(self) -> dict[str, Any]:
        """What the service said at start: the worker's heartbeat must not wait on it."""
        return {**self._served, "inference_url": self.settings.url}

    def _send(self, files: list[tuple[bytes, str]]) -> list[DetectionRun]:
        if not files:
            return []
        deadline = time.monotonic() + self.settings.timeout
        with ThreadPoolExecutor(max_workers=len(files), thread_name_prefix="inference") as pool:
            answers = list(pool.map(lambda file: self._post(file[0], file[1], deadline), files))
        return [run_from_json(answer) for answer in answers]

    def _post(self, body: bytes, content_type: str, deadline: float) -> dict[str, Any]:
        headers = {"Content-Type": content_type}
        status, answer = _request(self.settings.url, "POST", "/v1/detect", body, headers, deadline)
        if status == 200:
            return answer
        said = answer.get("error", "")
        if status in OUTAGE:
            raise InferenceUnavailable(f"The inference service answered {status}: {said}")
        if status in (400, 413, 415):
            raise ImageError(said)
        raise ModelError(f"The inference service at {self.settings.url} answered {status}: {said}")


@functools.cache
def connect_remote(settings: RemoteSettings) -> RemoteDetector:
    """Wait up to settings.start_wait for the service to be ready; once per process."""
    give_up = time.monotonic() + settings.start_wait
    while True:
        try:
            status, ready = _request(settings.url, "GET", "/readyz", None, {}, time.monotonic() + 5)
            if status == 200:
                return RemoteDetector(settings, ready)
            reason = ready.get("error", f"status {status}")
        except InferenceUnavailable as error:
            reason = str(error)
        if time.monotonic() >= give_up:
            raise InferenceUnavailable(
                f"The inference service at {settings.url} is not ready after "
                f"{settings.start_wait:g} s: {reason}. Start it (python -m classifier serve), "
                "or unset BIRDAI_INFERENCE_URL to run the model in this process."
            )
        time.sleep(1)


def _request(
    url: str, method: str, path: str, body: bytes | None, headers: dict[str, str], deadline: float
) -> tuple[int, dict[str, Any]]:
    """One HTTP exchange, its time bounded by `deadline`; unreachable is InferenceUnavailable."""
    parts = urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    timeout = max(0.1, deadline - time.monotonic())
    connection = kind(parts.hostname or "", parts.port, timeout=timeout)
    try:
        connection.request(method, parts.path + path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out
        why = f"{error.__class__.__name__}: {error}"
        raise InferenceUnavailable(
            f"The inference service at {url} cannot be reached: {why}"
        ) from None
    finally:
        connection.close()
    try:
        return response.status, dict(json.loads(data))
    except ValueError:
        return response.status, {"error": data[:200].decode(errors="replace")}


def _file_of(image: "Image") -> tuple[bytes, str]:
    """The image's own file, when it is still exactly what was read; else a PNG of its pixels.

    The worker opens each photo from its bytes and passes it on undecoded: sending
    those bytes costs nothing, and the server decodes them to the very same pixels.
    An image not yet decoded (its `tile` list is cleared by load(), which every
    change of pixels calls first) cannot have been changed.
    """
    from PIL import Image, ImageFile

    mime = Image.MIME.get(image.format or "")
    if isinstance(image, ImageFile.ImageFile) and image.tile and mime:
        source = image.fp
        if isinstance(source, io.BytesIO):
            return source.getvalue(), mime
    return _png(rgb_pixels(image))


def _png(pixels: "np.ndarray") -> tuple[bytes, str]:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG", compress_level=1)  # lossless, quick to write
    return buffer.getvalue(), "image/png"
