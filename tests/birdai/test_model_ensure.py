"""scripts/model-ensure, which `make run` asks for the model the worker serves.

Run with no network at all (a network namespace of its own), as on a laptop
offline: it must still name a model, the untrained one, and say so.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

MODEL_ENSURE = REPO_ROOT / "scripts" / "model-ensure"
TRAINED = Path("models/yolov8l-worldv2.onnx")
UNTRAINED = Path("models/yolov8l-worldv2-untrained.onnx")


def offline_prefix() -> list[str]:
    unshare = shutil.which("unshare")
    if not unshare or subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode:
        pytest.skip("cannot take the network away here: unshare -rn is missing or not allowed")
    return [unshare, "-rn"]


def model_ensure(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The script with no network, in `folder` (its models/ is relative to it)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BIRDAI_MODEL_")}
    return subprocess.run(
        [*offline_prefix(), str(MODEL_ENSURE), *args],
        cwd=folder,
        env=clean | {"PY": sys.executable} | env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_offline_it_falls_back_to_the_untrained_model_and_says_so(tmp_path):
    result = model_ensure(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{UNTRAINED}\n", "stdout is the path and nothing else"
    assert "No trained model" in result.stderr and "UNTRAINED demo model" in result.stderr
    assert "Could not download" in result.stderr, "the reason is shown"
    manifest = json.loads((tmp_path / UNTRAINED).with_suffix(".json").read_text())
    assert manifest["untrained"] is True
    assert not (tmp_path / TRAINED).exists()


def test_the_trained_model_is_served_when_it_is_there(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / TRAINED).write_bytes(b"built earlier")
    result = model_ensure(tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"{TRAINED}\n", "")


def test_weights_chosen_by_hand_are_never_swapped(tmp_path):
    result = model_ensure(tmp_path, BIRDAI_MODEL_WEIGHTS="models/mine.onnx")
    assert result.returncode == 1
    assert result.stderr == (
        "model-ensure: error: BIRDAI_MODEL_WEIGHTS=models/mine.onnx does not exist\n"
    )
    assert not (tmp_path / "models").exists(), "nothing was built in its place"


def test_make_model_wants_the_trained_one_or_fails(tmp_path):
    result = model_ensure(tmp_path, "--trained")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "error: no trained model: Could not download" in result.stderr
    assert not (tmp_path / UNTRAINED).exists()
