"""Course stage CA1 (docs/stages/ca1.md): the Dockerfile, built and run with podman.

No image registry can be reached here, so the image is built on a Debian base
made with debootstrap (scripts/debootstrap-base), passed as BASE_IMAGE. The model
comes from the build context (MODEL_SOURCE=context): the small untrained
YOLO-World, built on the host as tests/conftest.py does. Building it inside the
image instead would download torch, several GB (see docs/stages/ca1.md).

A web and a worker container then run the way a VM would run them, against a
fresh database of the test PostgreSQL (the host's network, so 127.0.0.1 is the
host's), sharing one data folder; a photo goes in through the API and comes out
classified by the containerised worker. Everything the test made goes again,
except the cached base image and podman's layer cache, which make the next run
quick.
"""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import CLASSES, REPO_ROOT, run_python
from tests.stages.conftest import PODMAN_ENV, podman, temporary_database

# Building the image takes minutes the first time (then the layer cache answers).
pytestmark = [pytest.mark.stages, pytest.mark.timeout(1500)]

MODEL = "yolov8s-worldv2-untrained"
RUN_ID = uuid.uuid4().hex[:8]
# This machine's own architecture, and t4g's (Graviton, arm64) under qemu user emulation:
# every test below runs on both. Emulated, everything is some ten times slower, so the
# arm64 run is `make test-arm64`, not part of `make test-stages` (docs/stages/ca1.md).
PLATFORMS = [
    pytest.param(None, id="native"),
    pytest.param("linux/arm64", id="arm64", marks=[pytest.mark.arm64, pytest.mark.timeout(5400)]),
]
EMULATED_SLOWER = 10


@dataclass
class Stack:
    image: str
    url: str  # the web container's, e.g. http://127.0.0.1:41234
    web: str  # container names
    worker: str
    slower: int  # how many times longer to wait: 1, or EMULATED_SLOWER


@pytest.fixture(scope="module", params=PLATFORMS)
def platform(request: pytest.FixtureRequest) -> str | None:
    """None for this machine's architecture, else the podman platform, e.g. linux/arm64."""
    if request.param:
        _run_script("scripts/enable-arm64-emulation", timeout=60)
    return request.param


@pytest.fixture(scope="module")
def image(podman_here: None, platform: str | None) -> Iterator[str]:
    """The runtime image, built from the Dockerfile as CI would build it."""
    arch = [platform.removeprefix("linux/")] if platform else []
    # A foreign base is made by running its own dpkg under emulation: minutes more.
    base = _run_script("scripts/debootstrap-base", *arch, timeout=1200)
    model_dir = REPO_ROOT / "models" / f"ca1-test-{RUN_ID}"  # in the build context
    name = f"localhost/birdai:ca1-test-{RUN_ID}{'-' + arch[0] if arch else ''}"
    try:
        built = run_python(
            *("-m", "classifier", "build", "--untrained", "--arch", "yolov8s-worldv2.yaml"),
            *("--classes", ",".join(CLASSES), "--out", str(model_dir / f"{MODEL}.onnx")),
            timeout=300,
        )
        assert built.returncode == 0, built.stderr[-2000:]
        podman(
            *("build", "--network", "host", "--tag", name),
            *(["--platform", platform] if platform else []),
            # podman writes OCI images by default, which have no HEALTHCHECK.
            *("--format", "docker"),
            *("--build-arg", f"BASE_IMAGE={base}"),
            *("--build-arg", "MODEL_SOURCE=context"),
            *("--build-arg", f"MODEL_DIR={model_dir.relative_to(REPO_ROOT)}"),
            *("--build-arg", f"MODEL_NAME={MODEL}"),
            ".",
            timeout=3600 if platform else 1200,
        )
        yield name
    finally:
        shutil.rmtree(model_dir, ignore_errors=True)
        podman("rmi", "--force", name, check=False)


@pytest.fixture(scope="module")
def stack(
    image: str, platform: str | None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """A web and a worker container on a fresh database, the web one answering /healthz."""
    port = _free_port()
    data = tmp_path_factory.mktemp("ca1-data")
    # The containers run as the image's own user, which must be able to write here.
    uid, _, gid = _image_user(image).partition(":")
    os.chown(data, int(uid), int(gid or uid))
    slower = EMULATED_SLOWER if platform else 1
    names = f"ca1-web-{RUN_ID}", f"ca1-worker-{RUN_ID}"
    stack = Stack(image, f"http://127.0.0.1:{port}", *names, slower=slower)
    with temporary_database() as database_url:
        settings = {
            "DATABASE_URL": database_url,
            "BIRDAI_SECRET_KEY": "ca1-tests-only-not-a-secret",
            "BIRDAI_HTTPS": "0",  # plain HTTP, as the stage's VM serves it
            "PORT": str(port),
            "GUNICORN_WORKERS": "1",  # two cores, shared: one process is plenty here
        }
        common = ["--detach", "--network", "host", "--volume", f"{data}:/data"]
        common += [f"--env={name}={value}" for name, value in settings.items()]
        try:
            podman("run", "--name", stack.web, *common, image, "web")
            _wait_for(
                lambda: _get(stack.url + "/healthz")[0] == 200, stack.web, timeout=120 * slower
            )
            # The worker serves no HTTP, so the image's health check does not apply to it.
            podman("run", "--name", stack.worker, "--no-healthcheck", *common, image, "worker")
            _wait_for(
                lambda: _get(stack.url + "/readyz")[0] == 200, stack.worker, timeout=180 * slower
            )
            yield stack
        finally:
            podman("rm", "--force", "--time", "5", stack.web, stack.worker, check=False)


def test_the_web_container_migrates_then_serves_with_gunicorn_threads(stack):
    status, body = _get(stack.url + "/healthz")
    assert (status, body) == (200, b"ok")
    logs = podman("logs", stack.web)
    log = logs.stdout + logs.stderr
    assert "Applying submissions.0001_initial... OK" in log
    assert "Using worker: gthread" in log
    assert log.count("Booting worker with pid") == 1, "GUNICORN_WORKERS=1 was not applied"


def test_the_image_health_check_passes(stack):
    assert podman("healthcheck", "run", stack.web, check=False).returncode == 0


def test_static_files_were_collected_into_the_image(stack):
    status, _ = _get(stack.url + "/static/admin/css/base.css")
    assert status == 200


def test_a_photo_uploaded_through_the_api_is_classified_by_the_worker_container(stack, make_photo):
    ready = json.loads(_get(stack.url + "/readyz")[1])
    assert ready["model"]["model"] == MODEL
    assert (ready["model"]["backend"], ready["model"]["device"]) == ("onnx", "cpu")

    account = _post_json(
        stack.url + "/api/v1/accounts",
        {"username": "ca1", "password": "a long passphrase for the smoke test"},
    )
    token = account["token"]
    body, content_type = _multipart("image", "squirrel.jpg", make_photo(size=(800, 450)))
    submission = _request(
        stack.url + "/api/v1/submissions",
        body,
        {"Content-Type": content_type, "Authorization": f"Bearer {token}"},
    )
    assert submission["status"] == "pending"

    def done() -> bool:
        status, found = _get(
            f"{stack.url}/api/v1/submissions/{submission['id']}",
            {"Authorization": f"Bearer {token}"},
        )
        assert status == 200, found
        submission.update(json.loads(found))
        return submission["status"] in ("done", "failed")

    _wait_for(done, stack.worker, timeout=120 * stack.slower)
    assert submission["status"] == "done", submission["error"]
    assert submission["model"]["name"] == MODEL
    assert submission["model"]["device"] == "cpu"
    assert submission["model"]["inference_ms"] > 0
    # An untrained model finds nothing that means anything; whatever it finds is well formed.
    assert all(found["label"] in CLASSES for found in submission["detections"])


def test_the_image_is_built_for_its_platform(image, platform):
    machine = podman("run", "--rm", "--no-healthcheck", image, "uname", "-m").stdout.strip()
    expected = "aarch64" if platform == "linux/arm64" else os.uname().machine
    assert machine == expected
    arch = podman("image", "inspect", "--format", "{{.Architecture}}", image).stdout.strip()
    native = {"x86_64": "amd64", "aarch64": "arm64"}[os.uname().machine]
    assert arch == (platform.removeprefix("linux/") if platform else native)


def test_the_runtime_image_has_no_torch_and_runs_as_a_plain_user(image):
    for module in ("torch", "ultralytics"):
        # The entrypoint runs any other command as given.
        result = podman(
            "run",
            "--rm",
            "--no-healthcheck",
            image,
            "python",
            "-c",
            f"import {module}",
            check=False,
        )
        assert result.returncode != 0
        assert f"No module named '{module}'" in result.stderr
    assert _image_user(image) == "10001:10001"
    uid = podman("run", "--rm", "--no-healthcheck", image, "id", "-u").stdout.strip()
    assert uid == "10001"


# --- helpers ---


def _run_script(script: str, *args: str, timeout: float) -> str:
    result = subprocess.run(
        [str(REPO_ROOT / script), *args],
        env=PODMAN_ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"{script} failed:\n{result.stderr[-3000:]}"
    return result.stdout.strip()


def _image_user(image: str) -> str:
    return podman("image", "inspect", "--format", "{{.Config.User}}", image).stdout.strip()


def _free_port() -> int:
    """A TCP port nobody listens on now: the web container binds it on the host's network."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(condition: Callable[[], bool], container: str, timeout: float) -> None:
    """Poll `condition` until it holds; fail early, with the logs, if `container` stopped."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:  # not listening yet
            pass
        running = podman("container", "inspect", "--format", "{{.State.Running}}", container)
        if running.stdout.strip() != "true":
            break
        time.sleep(1)
    logs = podman("logs", "--tail", "40", container, check=False)
    pytest.fail(f"{container}: gave up after {timeout} s\n{logs.stdout}{logs.stderr}")


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers or {}), timeout=10
        ) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _request(url: str, body: bytes, headers: dict[str, str]) -> Any:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        pytest.fail(f"POST {url}: {error.code} {error.read()[:500]!r}")


def _post_json(url: str, payload: dict[str, Any]) -> Any:
    return _request(url, json.dumps(payload).encode(), {"Content-Type": "application/json"})


def _multipart(field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with one file, and its Content-Type header."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"'
        "\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    return head.encode() + data + f"\r\n--{boundary}--\r\n".encode(), (
        f"multipart/form-data; boundary={boundary}"
    )
