"""The ONNX Runtime backend against ultralytics' own predict, on the same model."""

import dataclasses

import pytest
from PIL import Image

from classifier import ImageError, ModelConfig, load_detector
from classifier.onnx_backend import OnnxDetector
from tests.classifier.compare import assert_same_detections, noise


@pytest.mark.parametrize(
    "size", [(800, 450), (300, 500), (97, 61)], ids=["wide", "tall", "small-upscaled"]
)
def test_same_boxes_as_ultralytics(
    onnx_config: ModelConfig, lively_torch_config: ModelConfig, size: tuple[int, int]
) -> None:
    # A low threshold keeps dozens of boxes, so NMS and the mapping back are exercised.
    image = noise(*size, seed=sum(size))
    reference = load_detector(dataclasses.replace(lively_torch_config, confidence=0.01))
    ours = load_detector(dataclasses.replace(onnx_config, confidence=0.01))
    expected = reference.detect(image).detections
    actual = ours.detect(image).detections
    assert len(expected) >= 3  # the lively model does find things
    assert_same_detections(expected, actual)
    assert max(d.box.x2 for d in actual) > 0.9 * size[0]  # boxes are in original pixels


def test_run_reports_the_model(onnx_config: ModelConfig, photo: Image.Image) -> None:
    detector = load_detector(onnx_config)
    assert isinstance(detector, OnnxDetector)
    run = detector.detect(photo)
    assert run.model_name == "yolov8s-worldv2-lively"
    assert run.device == "cpu"
    assert run.classes == onnx_config.classes
    assert run.inference_ms > 0
    assert run.detections  # at the default 0.25 the lively model still finds some


def test_batch_gives_the_same_as_one_by_one(onnx_config: ModelConfig) -> None:
    detector = load_detector(dataclasses.replace(onnx_config, confidence=0.05))
    images = [noise(640, 480, seed) for seed in range(3)]
    runs = detector.detect_batch(images)
    assert len(runs) == 3
    for image, run in zip(images, runs, strict=True):
        assert_same_detections(detector.detect(image).detections, run.detections)
    assert detector.detect_batch([]) == []


def test_batch_of_mixed_shapes(onnx_config: ModelConfig) -> None:
    # Different shapes share one input padded to the largest; boxes stay per image.
    detector = load_detector(dataclasses.replace(onnx_config, confidence=0.05))
    images = [noise(800, 450), noise(300, 500), noise(50, 50)]
    for image, run in zip(images, detector.detect_batch(images), strict=True):
        assert run.detections
        for found in run.detections:
            assert 0 <= found.box.x1 <= found.box.x2 <= image.width
            assert 0 <= found.box.y1 <= found.box.y2 <= image.height


def test_threads_setting_reaches_onnx_runtime(onnx_config: ModelConfig) -> None:
    detector = load_detector(dataclasses.replace(onnx_config, threads=1))
    assert isinstance(detector, OnnxDetector)
    assert detector.session.get_session_options().intra_op_num_threads == 1
    assert detector.describe()["threads"] == 1


def test_describe(onnx_config: ModelConfig) -> None:
    info = load_detector(onnx_config).describe()
    assert info["backend"] == "onnx"
    assert info["model"] == "yolov8s-worldv2-lively"
    assert info["device"] == "cpu"
    assert info["providers"] == ["CPUExecutionProvider"]
    assert info["classes"] == list(onnx_config.classes)
    assert info["imgsz"] == 640
    assert len(info["sha256"]) == 64
    assert info["untrained"] is False  # built from a checkpoint, as far as the build knew
    # No variants beside it: fp32, whatever the CPU.
    assert (info["precision"], info["file"]) == ("fp32", "yolov8s-worldv2-lively.onnx")
    assert info["precision_reason"].startswith("fp32: ")
    assert set(info["built_with"]) >= {"ultralytics", "torch", "onnx", "onnxruntime"}


@pytest.mark.parametrize("mode", ["L", "RGBA", "P", "CMYK", "I;16", "1"])
def test_any_image_mode_works(onnx_config: ModelConfig, photo: Image.Image, mode: str) -> None:
    image = photo.convert("L").convert(mode) if mode == "I;16" else photo.convert(mode)
    load_detector(onnx_config).detect(image)  # no exception is the point


def test_one_pixel_image(onnx_config: ModelConfig, lively_torch_config: ModelConfig) -> None:
    # Scaled up 640 times; both backends take it.
    for config in (onnx_config, lively_torch_config):
        run = load_detector(config).detect(Image.new("RGB", (1, 1), (200, 30, 30)))
        for found in run.detections:
            assert found.box.x2 <= 1 and found.box.y2 <= 1


def test_image_without_pixels_is_refused(onnx_config: ModelConfig) -> None:
    with pytest.raises(ImageError, match="no pixels"):
        load_detector(onnx_config).detect(Image.new("RGB", (0, 0)))
