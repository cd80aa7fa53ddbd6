"""Fixtures every test can use: named actors, isolated storage, photos built in code.

alice owns things; bob must never see them.
"""

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pillow_heif
import pytest
from django.contrib.auth.models import User
from django.test import Client
from PIL import Image
from PIL.ExifTags import Base
from PIL.PngImagePlugin import PngInfo

from accounts.services import api_token_create

REPO_ROOT = Path(__file__).resolve().parent.parent
# Fixtures that live in their own module: `located` (sightings on the map),
# `start_inference` (the inference service as a process).
pytest_plugins = ["tests.sightings", "tests.inference_service"]
PASSWORD = "correct-horse-battery-staple"
CLASSES = ("squirrel", "bird", "person", "dog", "cat")


def run_python(
    *args: str, env: dict[str, str] | None = None, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    """Run `python ARGS` in a fresh process at the repository root, output captured."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(autouse=True)
def isolated_storage(settings, tmp_path: Path) -> Path:
    """Each test writes its files to its own folder, laid out like BIRDAI_DATA_DIR."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": settings.MEDIA_URL},
        },
        "originals": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "originals", "base_url": None},
        },
        # Tests don't run collectstatic, so no manifest of hashed names exists.
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return tmp_path


@pytest.fixture(autouse=True)
def pillow_left_alone() -> Iterator[None]:
    """Fail the test that lets ultralytics replace PIL.Image.open for the process.

    A bare `import ultralytics` does that; import it through
    classifier.loading.import_yolo_world, which puts Pillow's own back.
    """
    yield
    assert Image.open.__module__ == "PIL.Image", "PIL.Image.open was replaced (by ultralytics?)"


def stored_files(data_dir: Path) -> list[Path]:
    """Every file under a test's storage folders."""
    return [path for path in data_dir.rglob("*") if path.is_file() and "readyz" not in path.parts]


@pytest.fixture(scope="session")
def untrained_weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real YOLO-World (the small one) with untrained weights, built offline once.

    It has the production code paths and compute cost, but has learnt nothing:
    good for testing the pipeline and measuring speed, never for accuracy.
    """
    from classifier.untrained import build_untrained

    out = tmp_path_factory.mktemp("weights") / "yolov8s-worldv2-untrained.pt"
    return build_untrained("yolov8s-worldv2.yaml", CLASSES, out, seed=0)


@pytest.fixture(scope="session")
def untrained_onnx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same small untrained YOLO-World, built to ONNX (with its manifest) the way
    `python -m classifier build --untrained` does: what a worker serves by default."""
    from classifier.build import build_onnx

    out = tmp_path_factory.mktemp("onnx") / "yolov8s-worldv2-untrained.onnx"
    build_onnx(None, CLASSES, out, untrained_arch="yolov8s-worldv2.yaml")
    return out


@pytest.fixture
def worker_model(monkeypatch: pytest.MonkeyPatch, untrained_onnx: Path) -> None:
    """The model settings of a worker, for tests that run worker code in this process."""
    monkeypatch.setenv("BIRDAI_MODEL_WEIGHTS", str(untrained_onnx))
    monkeypatch.setenv("BIRDAI_MODEL_CLASSES", ",".join(CLASSES))
    monkeypatch.setenv("BIRDAI_MODEL_DEVICE", "cpu")


@pytest.fixture
def worker_model_sees_everything(worker_model: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's model with a threshold so low that the untrained network finds things.

    Its head scores every box about 5e-5, so at 1e-5 detections (meaningless ones)
    come out: enough for tests of what happens to a photo the model labelled.
    """
    monkeypatch.setenv("BIRDAI_MODEL_CONFIDENCE", "0.00001")


@pytest.fixture
def alice(db) -> User:
    return User.objects.create_user("alice", password=PASSWORD)


@pytest.fixture
def bob(db) -> User:
    return User.objects.create_user("bob", password=PASSWORD)


@pytest.fixture
def alice_client(alice: User) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(bob: User) -> Client:
    client = Client()
    client.force_login(bob)
    return client


@pytest.fixture
def alice_token(alice: User) -> str:
    return api_token_create(user=alice)


@pytest.fixture
def bob_token(bob: User) -> str:
    return api_token_create(user=bob)


def gps_exif(lat: float, lon: float) -> Image.Exif:
    """EXIF with a GPS position, written the way cameras write it (DMS rationals)."""

    def dms(value: float) -> tuple[float, float, float]:
        value = abs(value)
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        return (degrees, minutes, round((value - degrees - minutes / 60) * 3600, 4))

    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2024:05:17 08:30:00"  # Exif IFD: DateTimeOriginal
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N" if lat >= 0 else "S", 2: dms(lat), 3: "E" if lon >= 0 else "W", 4: dms(lon)})
    return exif


def gps_xmp(lat: float, lon: float) -> bytes:
    """An XMP packet with a GPS position, as photo editors write it beside the EXIF."""
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        f'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="{lat}" '
        f'exif:GPSLongitude="{lon}"/></rdf:RDF></x:xmpmeta>'
    ).encode()


def save_photo(image: Image.Image, format: str, exif: bytes = b"", xmp: bytes = b"") -> bytes:
    """`image` as a `format` file ("HEIF" for HEIC) carrying these EXIF and XMP blocks.

    Pass EXIF as bytes: Pillow's PNG writer skips an Exif object with no top-level
    entries (the GPS and Exif sub-IFDs do not count) and would write no eXIf chunk.
    """
    buffer = io.BytesIO()
    if format == "HEIF":
        # pillow-heif's own writer, so no test depends on the app registering its opener.
        pillow_heif.from_pillow(image).save(buffer, exif=exif or None, xmp=xmp or None)
    elif format == "PNG":
        # Pillow's PNG writer has no xmp option; XMP lives in an iTXt chunk of this name.
        chunks = PngInfo()
        if xmp:
            chunks.add_itxt("XML:com.adobe.xmp", xmp.decode())
        image.save(buffer, format, exif=exif, pnginfo=chunks)
    else:
        image.save(buffer, format, exif=exif, xmp=xmp)
    return buffer.getvalue()


PhotoFactory = Callable[..., bytes]


@pytest.fixture
def make_photo() -> PhotoFactory:
    """Build a photo in code: ``make_photo(format="JPEG", size=(640, 480), gps=(lat, lon))``.

    With `gps` it carries the position twice, in EXIF and XMP; `orientation` sets the
    EXIF Orientation (6: stored sideways, turn 90° clockwise to show, as phones do).
    """

    def make(
        format: str = "JPEG", size: tuple[int, int] = (640, 480), gps=None, orientation=None
    ) -> bytes:
        exif = gps_exif(*gps) if gps else Image.Exif()
        if orientation:
            exif[Base.Orientation] = orientation
        return save_photo(
            Image.new("RGB", size, (90, 140, 60)),
            format,
            exif=exif.tobytes() if gps or orientation else b"",
            xmp=gps_xmp(*gps) if gps else b"",
        )

    return make


def metadata_segments(jpeg: bytes) -> list[str]:
    """The segments of a JPEG's header that can carry metadata: APP1-APP15 and COM.

    APP1 holds EXIF and XMP, APP13 IPTC, COM free text; a served copy has none of them
    (APP0 is the JFIF header, the rest are tables and the frame). Walking the header
    checks the bytes themselves, not just what Pillow chooses to parse.
    """
    assert jpeg[:2] == b"\xff\xd8", "not a JPEG"
    found, at = [], 2
    while jpeg[at + 1] != 0xDA:  # the header ends at the start of the scan (SOS)
        marker = jpeg[at + 1]
        if 0xE1 <= marker <= 0xEF or marker == 0xFE:
            found.append("COM" if marker == 0xFE else f"APP{marker - 0xE0}")
        at += 2 + int.from_bytes(jpeg[at + 2 : at + 4], "big")
    return found


def exif_samples_dir() -> Path:
    """Where the real-camera EXIF corpus should be, whether or not it is there.

    It lives outside the repository (CC BY-SA 4.0 photos, never copied in):
    BIRDAI_TESTDATA names its parent, by default <repo root>/../shared/testdata.
    """
    testdata = os.environ.get("BIRDAI_TESTDATA") or REPO_ROOT.parent / "shared" / "testdata"
    return Path(testdata) / "exif-samples"


@pytest.fixture
def exif_samples() -> Path:
    """The exif-samples folder; skips the test when the corpus is absent."""
    folder = exif_samples_dir()
    if not (folder / "gps-expected.json").is_file():
        pytest.skip(f"EXIF corpus not found at {folder}; set BIRDAI_TESTDATA to its parent")
    return folder


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Give `gps_case` one run per gps-expected.json entry, `corpus_jpeg` one per JPEG.

    Parameters are fixed when tests are collected, before any fixture runs, so the
    corpus is listed here. When it is absent the single placeholder run is skipped
    by the exif_samples fixture, which those tests also ask for.
    """
    folder = exif_samples_dir()
    if "gps_case" in metafunc.fixturenames:
        expected_file = folder / "gps-expected.json"
        cases = json.loads(expected_file.read_text()) if expected_file.is_file() else {}
        metafunc.parametrize(
            "gps_case",
            [pytest.param(case, id=case[0]) for case in sorted(cases.items())]
            or [pytest.param(None, id="no-corpus")],
        )
    if "corpus_jpeg" in metafunc.fixturenames:
        jpegs = sorted(folder.glob("jpg/**/*.jpg"))
        metafunc.parametrize(
            "corpus_jpeg",
            [pytest.param(path, id=str(path.relative_to(folder))) for path in jpegs]
            or [pytest.param(None, id="no-corpus")],
        )


# S3 on a local moto server, for the storage, health and settings tests (tests/s3.py).
from tests.s3 import s3, s3_down, s3_endpoint, s3_settings  # noqa: E402, F401
