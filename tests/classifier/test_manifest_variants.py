"""The manifest's variants: each precision's file, checksum, backends and fidelity to fp32.

Pure: the manifests are written in code, no model is built.
"""

import json
from pathlib import Path

import pytest

from classifier import ModelError
from classifier.fidelity import Fidelity
from classifier.manifest import FORMAT, Manifest, Variant, read_manifest, write_manifest

# What `python -m classifier build` wrote before there were variants.
OLD = {
    "classes": ["squirrel", "bird"],
    "imgsz": 640,
    "onnx_sha256": "a" * 64,
    "weights_sha256": "b" * 64,
    "weights_name": "yolov8l-worldv2.pt",
    "untrained": False,
    "versions": {"onnx": "1.19.0"},
    "format": 1,
}
INT8 = {
    "file": "model-int8.onnx",
    "sha256": "c" * 64,
    "backends": ["onnx", "openvino"],
    "fidelity": {"f1": 0.991, "mean_abs_score_diff": 0.012, "photos": 40, "boxes": 300},
}


def written(tmp_path: Path, fields: dict) -> Path:
    onnx = tmp_path / "model.onnx"
    (tmp_path / "model.json").write_text(json.dumps(fields))
    return onnx


def test_a_manifest_from_before_variants_still_loads(tmp_path: Path) -> None:
    manifest = read_manifest(written(tmp_path, OLD))
    assert manifest.variants == {}  # fp32 only
    assert manifest.classes == ("squirrel", "bird")
    assert manifest.format == FORMAT == 1  # new optional fields need no new format


def test_variants_are_read_as_typed_values(tmp_path: Path) -> None:
    fp32 = {"file": "model.onnx", "sha256": "a" * 64, "backends": ["onnx", "openvino"]}
    manifest = read_manifest(written(tmp_path, OLD | {"variants": {"fp32": fp32, "int8": INT8}}))
    assert manifest.variants == {
        "fp32": Variant("model.onnx", "a" * 64, ("onnx", "openvino"), fidelity=None),
        "int8": Variant(
            "model-int8.onnx", "c" * 64, ("onnx", "openvino"), Fidelity(0.991, 0.012, 40, 300)
        ),
    }


def test_variants_survive_a_round_trip(tmp_path: Path) -> None:
    bf16 = Variant("model.onnx", "a" * 64, ("openvino",), Fidelity(0.997, 0.004, 40, 300))
    manifest = Manifest(
        classes=("bird",),
        imgsz=640,
        onnx_sha256="a" * 64,
        weights_sha256="b" * 64,
        weights_name="w.pt",
        untrained=True,
        variants={"bf16": bf16},
    )
    onnx = tmp_path / "model.onnx"
    write_manifest(onnx, manifest)
    assert read_manifest(onnx) == manifest
    saved = json.loads((tmp_path / "model.json").read_text())
    assert saved["variants"]["bf16"]["fidelity"] == {
        "f1": 0.997,
        "mean_abs_score_diff": 0.004,
        "photos": 40,
        "boxes": 300,
    }


@pytest.mark.parametrize(
    ("variants", "says"),
    [
        ({"fp16": INT8}, "'fp16' is none of fp32, bf16, int8"),
        ({"int8": INT8 | {"file": "../elsewhere.onnx"}}, "bare file name"),
        ({"int8": INT8 | {"file": ".."}}, "bare file name"),
        ({"int8": INT8 | {"file": ""}}, "bare file name"),
        ({"int8": INT8 | {"sha256": "nope"}}, "sha256 must be 64 hex digits"),
        ({"int8": INT8 | {"backends": ["torch"]}}, "backends must be onnx or openvino"),
        ({"int8": INT8 | {"backends": []}}, "backends must be onnx or openvino"),
        (
            {"int8": INT8 | {"fidelity": {"f1": 1.5, "mean_abs_score_diff": 0, "photos": 4}}},
            "range",
        ),
        (
            {"int8": INT8 | {"fidelity": {"f1": 1.0, "mean_abs_score_diff": 0, "photos": 0}}},
            "range",
        ),
        ({"int8": INT8 | {"fidelity": {"f1": 1.0}}}, "missing"),
        ({"int8": {k: v for k, v in INT8.items() if k != "sha256"}}, "sha256"),
        ({"int8": "model-int8.onnx"}, "must be an object"),
        (["int8"], "variants must be an object"),
    ],
)
def test_a_malformed_variant_is_refused(tmp_path: Path, variants: object, says: str) -> None:
    with pytest.raises(ModelError, match=r"malformed.*" + says.replace("(", r"\(")):
        read_manifest(written(tmp_path, OLD | {"variants": variants}))
