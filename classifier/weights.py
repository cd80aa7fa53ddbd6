"""Where the production weights come from, and how to check them.

A .pt checkpoint is a Python pickle: loading one runs code stored in it. So the
file is checked against a known SHA-256 *before* anything unpickles it.
"""

import hashlib
import os
import tempfile
import urllib.request
from pathlib import Path
from typing import BinaryIO

from .errors import ModelError

# The release the installed ultralytics (8.4.x) downloads its assets from.
YOLOV8L_WORLDV2_URL = (
    "https://github.com/ultralytics/assets/releases/download/v8.4.0/yolov8l-worldv2.pt"
)

# NOT PINNED YET. Ultralytics publishes no checksum next to its weights, and this
# code was written on a machine without internet, so the real digest could not be
# looked up or computed; a made-up value would be worse than none. While this is
# None, the default config does not verify the file (a warning is logged at load).
# To pin it, on a machine with internet:
#   1. python -m classifier fetch-weights        (prints the file's SHA-256)
#   2. compare it with the "digest" GitHub lists for the asset, where it has one:
#      curl -s https://api.github.com/repos/ultralytics/assets/releases/tags/v8.4.0
#      (or with a second download made from another network)
#   3. paste the 64 hex digits here, as a lowercase string.
YOLOV8L_WORLDV2_SHA256: str | None = None

_CHUNK = 1 << 20  # read 1 MiB at a time: a 90 MB file never sits in memory whole


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file as 64 lowercase hex digits, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify_weights(path: Path, expected: str | None) -> None:
    """Raise ModelError unless the file is there and matches `expected`.

    `expected=None` only checks that the file exists.
    """
    if not path.is_file():
        raise ModelError(
            f"Model weights not found at {path}. Download them on a machine with "
            f"internet with: python -m classifier fetch-weights --dest {path}"
        )
    if expected is None:
        return
    actual = sha256_of(path)
    if actual != expected.lower():
        raise ModelError(
            f"Checksum mismatch for {path}: expected SHA-256 {expected}, got {actual}. "
            "The file is damaged or not the expected model; delete it and fetch it again."
        )


def fetch_weights(
    dest: Path, url: str = YOLOV8L_WORLDV2_URL, expected: str | None = YOLOV8L_WORLDV2_SHA256
) -> Path:
    """Download `url` to `dest`, checking `expected` (if given) before it lands.

    The download goes to a temporary file next to `dest` and is renamed into
    place only when complete and verified, so `dest` is never half-written.
    """
    if not url.startswith(("https://", "http://")):
        raise ModelError(f"Refusing to download from {url!r}: only http(s) URLs are allowed")
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            actual = _download(url, out)
        if expected is not None and actual != expected.lower():
            raise ModelError(
                f"Checksum mismatch for {url}: expected SHA-256 {expected}, got {actual}. "
                "Nothing was saved."
            )
        temp.chmod(0o644)  # mkstemp makes it private; other users (the worker) must read it
        temp.replace(dest)  # atomic on one filesystem: readers see old or new, never half
    finally:
        temp.unlink(missing_ok=True)  # still there only if something failed
    return dest


def _download(url: str, out: BinaryIO) -> str:
    """Stream `url` into `out` and return the SHA-256 of what was written."""
    digest = hashlib.sha256()
    try:
        # The scheme was checked above, so this cannot open a local file: S310 is safe.
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310
            while chunk := response.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
    except (OSError, ValueError) as exc:  # URLError, HTTPError, timeouts are OSErrors
        raise ModelError(f"Could not download {url}: {exc}") from None
    return digest.hexdigest()
