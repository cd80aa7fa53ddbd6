import functools
import hashlib
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from classifier import ModelError
from classifier.weights import fetch_weights, sha256_of, verify_weights

CONTENT = b"not really a model, but bytes all the same\n" * 50_000  # about 2 MB


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A real HTTP server on localhost serving `weights.pt`; yields its base URL."""
    folder = tmp_path / "served"
    folder.mkdir()
    (folder / "weights.pt").write_bytes(CONTENT)
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_sha256_of_matches_hashlib(tmp_path: Path) -> None:
    path = tmp_path / "file.bin"
    path.write_bytes(CONTENT)
    assert sha256_of(path) == hashlib.sha256(CONTENT).hexdigest()


def test_verify_weights(tmp_path: Path) -> None:
    path = tmp_path / "model.pt"
    with pytest.raises(ModelError, match="fetch-weights"):
        verify_weights(path, None)
    path.write_bytes(CONTENT)
    verify_weights(path, None)
    verify_weights(path, hashlib.sha256(CONTENT).hexdigest().upper())
    with pytest.raises(ModelError, match=f"expected SHA-256 {'0' * 64}, got {sha256_of(path)}"):
        verify_weights(path, "0" * 64)


def test_fetch_downloads_and_verifies(server: str, tmp_path: Path) -> None:
    dest = tmp_path / "models" / "model.pt"
    expected = hashlib.sha256(CONTENT).hexdigest()
    assert fetch_weights(dest, url=f"{server}/weights.pt", expected=expected) == dest
    assert dest.read_bytes() == CONTENT
    assert list(dest.parent.iterdir()) == [dest]  # no temporary file left behind
    assert dest.stat().st_mode & 0o777 == 0o644  # readable by the worker's user too


def test_fetch_with_wrong_checksum_keeps_nothing(server: str, tmp_path: Path) -> None:
    folder = tmp_path / "models"
    with pytest.raises(ModelError, match="Checksum mismatch"):
        fetch_weights(folder / "model.pt", url=f"{server}/weights.pt", expected="0" * 64)
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("path", ["/missing.pt", None])
def test_fetch_failures_keep_nothing(server: str, tmp_path: Path, path: str | None) -> None:
    # A 404 from a live server, then a port where nothing listens.
    url = f"{server}{path}" if path else "http://127.0.0.1:9/x.pt"
    folder = tmp_path / "models"
    with pytest.raises(ModelError, match="Could not download"):
        fetch_weights(folder / "model.pt", url=url, expected=None)
    assert list(folder.iterdir()) == []


def test_fetch_refuses_non_http_urls(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="only http"):
        fetch_weights(tmp_path / "model.pt", url="file:///etc/passwd", expected=None)
