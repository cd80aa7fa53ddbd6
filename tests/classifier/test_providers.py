"""Choosing ONNX Runtime execution providers. No GPU here: the choice is tested as logic."""

import dataclasses
from pathlib import Path

import pytest

from classifier import ModelConfig, ModelError, load_detector
from classifier.onnx_session import CPU, CUDA, TENSORRT, choose_providers

MODEL = Path("/srv/models/model.onnx")
GPU_BUILD = [TENSORRT, CUDA, CPU]  # what onnxruntime-gpu lists


def test_cpu_build() -> None:
    assert choose_providers("auto", [CPU], MODEL) == [CPU]
    assert choose_providers("cpu", [CPU], MODEL) == [CPU]


def test_auto_prefers_cuda_when_the_build_has_it() -> None:
    assert choose_providers("auto", GPU_BUILD, MODEL) == [(CUDA, {"device_id": 0}), CPU]
    assert choose_providers("cpu", GPU_BUILD, MODEL) == [CPU]


def test_cuda_device_index() -> None:
    assert choose_providers("cuda:1", GPU_BUILD, MODEL) == [(CUDA, {"device_id": 1}), CPU]


def test_tensorrt_caches_its_engines_beside_the_model() -> None:
    [(name, options), cuda, cpu] = choose_providers("tensorrt", GPU_BUILD, MODEL, imgsz=640)
    assert name == TENSORRT
    assert options["trt_engine_cache_path"] == "/srv/models/trt"
    assert options["trt_profile_max_shapes"] == "images:16x3x640x640"  # compiled once for all
    assert (cuda, cpu) == ((CUDA, {"device_id": 0}), CPU)


@pytest.mark.parametrize("device", ["cuda", "tensorrt:0"])
def test_gpu_asked_for_on_a_cpu_build(device: str) -> None:
    with pytest.raises(ModelError, match="install onnxruntime-gpu"):
        choose_providers(device, [CPU], MODEL)


def test_cuda_without_a_gpu_is_a_model_error(onnx_config: ModelConfig) -> None:
    # The CPU build of onnxruntime installed here has no CUDA provider.
    with pytest.raises(ModelError, match="CUDAExecutionProvider"):
        load_detector(dataclasses.replace(onnx_config, device="cuda"))


def test_tensorrt_needs_the_onnx_backend() -> None:
    with pytest.raises(ModelError, match="needs backend 'onnx'"):
        ModelConfig(weights=Path("m.pt"), device="tensorrt")
