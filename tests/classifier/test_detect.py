"""Running the real (untrained) network on generated images."""

import dataclasses
import io

import pytest
from PIL import Image

from classifier import Detection, DetectionRun, ModelConfig, detect, load_detector
from classifier.weights import sha256_of


def assert_valid(detection: Detection, image: Image.Image, classes: tuple[str, ...]) -> None:
    width, height = image.size
    box = detection.box
    assert detection.label in classes
    assert 0.0 <= detection.confidence <= 1.0
    assert 0.0 <= box.x1 <= box.x2 <= width
    assert 0.0 <= box.y1 <= box.y2 <= height


def test_detect_returns_a_run(untrained_config: ModelConfig, photo: Image.Image) -> None:
    run = load_detector(untrained_config).detect(photo)
    assert isinstance(run, DetectionRun)
    assert run.inference_ms > 0
    assert run.device == "cpu"
    assert run.model_name == "yolov8s-worldv2-untrained"
    assert run.classes == untrained_config.classes
    assert isinstance(run.detections, list)
    # An untrained model usually finds nothing at 0.25; check whatever it finds.
    for detection in run.detections:
        assert_valid(detection, photo, run.classes)


def test_boxes_are_in_original_pixels(see_everything: ModelConfig, photo: Image.Image) -> None:
    # The network sees the 800x450 photo shrunk to 640x360. Boxes must come back
    # scaled up to the photo, so some reach past x=640, up to its right edge.
    detections = load_detector(see_everything).detect(photo).detections
    assert detections
    for detection in detections:
        assert_valid(detection, photo, see_everything.classes)
    assert max(d.box.x2 for d in detections) > 640


def test_exif_rotation_is_left_to_the_caller(
    see_everything: ModelConfig, photo: Image.Image
) -> None:
    # A JPEG whose EXIF says "rotate 90°". Boxes stay in the stored 800x450 pixels,
    # the ones `image.size` reports, rather than in a rotated 450x800 image.
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", exif=exif.tobytes())
    with Image.open(buffer) as rotated:
        assert rotated.getexif()[0x0112] == 6
        detections = load_detector(see_everything).detect(rotated).detections
        for detection in detections:
            assert_valid(detection, rotated, see_everything.classes)
    assert max(d.box.x2 for d in detections) > 450


@pytest.mark.parametrize("mode", ["L", "RGBA", "P"])
def test_any_image_mode_works(see_everything: ModelConfig, photo: Image.Image, mode: str) -> None:
    detections = load_detector(see_everything).detect(photo.convert(mode)).detections
    assert detections


def test_module_level_detect_reads_the_environment(
    untrained_config: ModelConfig, photo: Image.Image, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BIRDAI_MODEL_WEIGHTS", str(untrained_config.weights))
    monkeypatch.setenv("BIRDAI_MODEL_SHA256", sha256_of(untrained_config.weights))
    monkeypatch.setenv("BIRDAI_MODEL_DEVICE", "cpu")
    for name in ("CLASSES", "CONFIDENCE", "IMGSZ"):
        monkeypatch.delenv(f"BIRDAI_MODEL_{name}", raising=False)
    assert ModelConfig.from_env() == untrained_config  # so the cached model is reused
    detections = detect(photo)
    assert isinstance(detections, list)
    assert detect(photo, untrained_config) == detections


def test_batch_of_images(lively_torch_config: ModelConfig, photo: Image.Image) -> None:
    detector = load_detector(dataclasses.replace(lively_torch_config, confidence=0.01))
    images = [photo, photo.transpose(Image.Transpose.ROTATE_90)]  # 800x450, then 450x800
    runs = detector.detect_batch(images)
    assert len(runs) == 2
    for image, run in zip(images, runs, strict=True):
        assert run.detections
        for detection in run.detections:
            assert_valid(detection, image, run.classes)
    assert max(d.box.y2 for d in runs[1].detections) > 600  # the tall one's own pixels
    assert detector.detect_batch([]) == []


def test_describe(untrained_config: ModelConfig) -> None:
    info = load_detector(untrained_config).describe()
    assert info["backend"] == "torch"
    assert info["model"] == "yolov8s-worldv2-untrained"
    assert info["device"] == "cpu"
    assert info["classes"] == list(untrained_config.classes)
    assert info["threads"] >= 1
    assert set(info["versions"]) == {"torch", "ultralytics"}
    assert info["precision"] == "fp32"
