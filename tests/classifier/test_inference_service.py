"""`python -m classifier serve` as a real process, and RemoteDetector talking to it."""

import http.client
import io
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

import classifier
from classifier import ModelConfig, load_detector
from tests.conftest import REPO_ROOT
from tests.inference_service import assert_same_detections, get_json

pytestmark = pytest.mark.model


def jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def post(url: str, body: bytes, content_type: str = "image/jpeg") -> tuple[int, dict]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.request("POST", "/v1/detect", body=body, headers={"Content-Type": content_type})
    response = connection.getresponse()
    return response.status, json.loads(response.read())


def test_healthz_and_readyz_describe_the_model(start_inference, untrained_onnx: Path) -> None:
    service = start_inference(untrained_onnx)
    assert get_json(f"{service.url}/healthz") == (200, {"status": "ok"})
    ready = service.readyz()
    assert ready["ready"] is True
    model = ready["model"]
    assert (model["backend"], model["model"], model["device"]) == (
        "onnx",
        "yolov8s-worldv2-untrained",
        "cpu",
    )
    assert ready["config"]["weights"] == str(untrained_onnx)
    # A CPU runs one image a pass unless told otherwise: a batch only adds padding there.
    assert (ready["batch_size"], ready["batches"]) == (1, {})


def test_bad_requests_are_refused_with_a_message(
    start_inference, untrained_onnx: Path, photo: Image.Image
) -> None:
    service = start_inference(
        untrained_onnx, BIRDAI_INFERENCE_MAX_BODY="200000", BIRDAI_MAX_IMAGE_PIXELS="1000000"
    )
    good = jpeg(photo.resize((320, 180)))  # noise: small, or it would be too large here
    truncated = good[: len(good) // 2]
    huge_body = jpeg(Image.effect_noise((600, 600), 60))  # noise: > 200 kB as a JPEG
    many_pixels = io.BytesIO()
    Image.new("RGB", (2000, 1000)).save(many_pixels, "PNG")  # 2 MP in a few kB
    cases = [
        (b"hello", "text/plain", 415, "Content-Type image/"),
        (b"hello", "image/jpeg", 400, "not an image"),
        (truncated, "image/jpeg", 400, "cannot be read"),
        (huge_body, "image/jpeg", 413, "200000 bytes"),
        (many_pixels.getvalue(), "image/png", 413, "2000x1000 pixels"),
    ]
    assert len(huge_body) > 200_000
    for body, content_type, status, says in cases:
        answer = post(service.url, body, content_type)
        assert answer[0] == status and says in answer[1]["error"], (content_type, answer)
    assert post(service.url, good)[0] == 200  # and it still serves


def test_a_request_without_a_length_or_to_another_path_is_refused(
    start_inference, untrained_onnx: Path
) -> None:
    service = start_inference(untrained_onnx)
    with socket.create_connection(("127.0.0.1", service.port), timeout=10) as raw:
        raw.sendall(b"POST /v1/detect HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\n\r\n")
        answer = raw.recv(4096).decode()
    assert answer.startswith("HTTP/1.1 411") and "Content-Length" in answer
    assert get_json(f"{service.url}/nothing-here")[0] == 404


def test_a_slow_client_is_cut_off(start_inference, untrained_onnx: Path) -> None:
    service = start_inference(untrained_onnx, BIRDAI_INFERENCE_CLIENT_TIMEOUT="1")
    with socket.create_connection(("127.0.0.1", service.port), timeout=10) as slow:
        slow.sendall(b"POST /v1/detect HTTP/1.1\r\nContent-Length: 1000\r\n")  # and no more
        assert get_json(f"{service.url}/healthz")[0] == 200  # others are served meanwhile
        started = time.monotonic()
        assert slow.recv(4096) == b""  # the server hung up
    assert time.monotonic() - started < 5


def test_the_remote_detector_finds_what_the_model_finds_in_process(
    start_inference, lively_onnx: Path, photo: Image.Image, monkeypatch
) -> None:
    service = start_inference(lively_onnx, BIRDAI_MODEL_CONFIDENCE="0.05")
    monkeypatch.setenv("BIRDAI_INFERENCE_URL", service.url)
    remote = classifier.load_detector_from_env()
    assert type(remote).__name__ == "RemoteDetector"
    assert remote.describe()["inference_url"] == service.url
    assert (remote.device, remote.config.weights.name) == ("cpu", lively_onnx.name)
    local_config = ModelConfig(weights=lively_onnx, device="cpu", sha256=None, confidence=0.05)
    local = load_detector(local_config)
    # As the worker passes photos: opened from their file, not yet decoded (the file
    # itself goes over HTTP); and an image made in memory (it goes as a PNG).
    made = photo.convert("RGBA")
    for image, again in [
        (Image.open(io.BytesIO(jpeg(photo))), Image.open(io.BytesIO(jpeg(photo)))),
        (made, made),
    ]:
        [over_http] = remote.detect_batch([image])
        in_process = local.detect(again)
        assert len(in_process.detections) > 3
        assert_same_detections(over_http.detections, in_process.detections)
        assert over_http.model_name == in_process.model_name
        assert over_http.precision == in_process.precision == "fp32"


def test_concurrent_clients_are_run_as_one_batch(
    start_inference, untrained_onnx: Path, photo: Image.Image, tmp_path: Path
) -> None:
    # A batch leaves once it holds 2: the long wait only makes a busy machine no excuse.
    service = start_inference(
        untrained_onnx, BIRDAI_INFERENCE_BATCH_SIZE="2", BIRDAI_INFERENCE_BATCH_WAIT_MS="10000"
    )
    image = tmp_path / "photo.jpg"
    image.write_bytes(jpeg(photo))
    client = (
        "import io, sys, classifier; from PIL import Image\n"
        "detector = classifier.load_detector_from_env(); print('connected', flush=True)\n"
        "sys.stdin.readline()  # go\n"
        f"run = detector.detect(Image.open(io.BytesIO(open({str(image)!r}, 'rb').read())))\n"
        "print(run.model_name, flush=True)\n"
    )
    env = {"BIRDAI_INFERENCE_URL": service.url, "PATH": "/usr/bin:/bin"}
    clients = [
        subprocess.Popen(
            [sys.executable, "-c", client],
            cwd=REPO_ROOT,
            env=env,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    try:
        for process in clients:
            assert process.stdout.readline() == "connected\n"
        for process in clients:  # both send at once
            process.stdin.write("go\n")
            process.stdin.flush()
        for process in clients:
            assert process.communicate(timeout=60)[0] == "yolov8s-worldv2-untrained\n"
    finally:
        for process in clients:
            process.kill()
    assert service.readyz()["batches"] == {"2": 1}


def test_a_service_down_is_inference_unavailable(
    start_inference, untrained_onnx: Path, photo: Image.Image, monkeypatch
) -> None:
    service = start_inference(untrained_onnx)
    monkeypatch.setenv("BIRDAI_INFERENCE_URL", service.url)
    remote = classifier.load_detector_from_env()
    service.stop()
    with pytest.raises(classifier.InferenceUnavailable, match="cannot be reached"):
        remote.detect(photo)
    service.start()
    assert remote.detect(photo).model_name == "yolov8s-worldv2-untrained"  # back


def test_a_model_that_cannot_load_stops_the_service(tmp_path: Path) -> None:
    env = {"BIRDAI_MODEL_WEIGHTS": str(tmp_path / "absent.onnx"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "classifier", "serve", "--port", "0"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert "python -m classifier build" in done.stderr
