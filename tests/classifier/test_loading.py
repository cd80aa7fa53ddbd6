"""Loading a real (untrained) checkpoint, and every way loading can fail."""

import dataclasses
import os
from pathlib import Path

import pytest
import torch

from classifier import Detector, ModelConfig, ModelError, load_detector
from classifier.weights import sha256_of


def test_loads_with_its_checksum(untrained_config: ModelConfig) -> None:
    detector = load_detector(untrained_config)
    assert isinstance(detector, Detector)
    assert detector.device == "cpu"
    assert detector.classes == untrained_config.classes
    assert load_detector(untrained_config) is detector  # cached: loaded once per process


def test_missing_file_says_how_to_get_it(tmp_path: Path) -> None:
    config = ModelConfig(weights=tmp_path / "yolov8l-worldv2.pt", device="cpu")
    with pytest.raises(ModelError, match="python -m classifier fetch-weights"):
        load_detector(config)


def test_only_pt_checkpoints_are_accepted(tmp_path: Path) -> None:
    # ultralytics would build an untrained network from a .yaml without a word.
    with pytest.raises(ModelError, match=r"must be a \.pt checkpoint"):
        load_detector(ModelConfig(weights=Path("yolov8l-worldv2.yaml"), device="cpu"))


class _MakesADirectoryWhenUnpickled:
    """A stand-in for a malicious checkpoint: unpickling it calls os.mkdir."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (os.mkdir, (str(self.marker),))


def test_checksum_is_checked_before_unpickling(tmp_path: Path) -> None:
    marker = tmp_path / "code-ran"
    weights = tmp_path / "evil.pt"
    torch.save({"model": _MakesADirectoryWhenUnpickled(marker)}, weights)

    with pytest.raises(ModelError, match=f"expected SHA-256 {'0' * 64}, got {sha256_of(weights)}"):
        load_detector(ModelConfig(weights=weights, sha256="0" * 64, device="cpu"))
    assert not marker.exists()  # refused before any byte was unpickled

    # The same file with the check off: the pickle runs its code, which is why
    # the check exists. It is not a checkpoint either, so loading still fails.
    with pytest.raises(ModelError, match="Could not read model weights"):
        load_detector(ModelConfig(weights=weights, sha256=None, device="cpu"))
    assert marker.exists()


def test_truncated_file_is_a_model_error(untrained_weights: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(untrained_weights.read_bytes()[:1000])
    with pytest.raises(ModelError, match="Could not read model weights"):
        load_detector(ModelConfig(weights=truncated, sha256=None, device="cpu"))


def test_other_classes_need_clip(untrained_config: ModelConfig) -> None:
    # The checkpoint stores text features for its own five classes; any other
    # list needs CLIP to encode the names, and CLIP is not installed offline.
    config = dataclasses.replace(untrained_config, classes=("red fox", "badger"))
    with pytest.raises(ModelError, match="CLIP") as caught:
        load_detector(config)
    assert "squirrel" in str(caught.value)
    assert "BIRDAI_MODEL_CLASSES" in str(caught.value)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_cuda_without_a_gpu_is_a_model_error(untrained_config: ModelConfig) -> None:
    with pytest.raises(ModelError, match="no CUDA GPU"):
        load_detector(dataclasses.replace(untrained_config, device="cuda"))


def test_loading_leaves_pillow_alone(untrained_weights):
    from PIL import Image

    from classifier.loading import import_yolo_world

    before = Image.open
    import_yolo_world()
    assert Image.open is before
