"""python -m bench.classifier --quick, on the small lively model: the smoke run CI does."""

import json
from pathlib import Path

from tests.conftest import run_python


def test_bench_compares_backends_in_their_own_processes(
    lively_weights: Path, lively_onnx: Path, tmp_path: Path
) -> None:
    done = run_python(
        "-m", "bench.classifier", "--quick",
        "--weights", str(lively_weights), "--onnx", str(lively_onnx), "--workdir", str(tmp_path),
        "--variants", "torch,onnx,int8-dynamic,openvino",  # more than --quick's two
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("speed-up, median torch / onnx:") for line in lines)
    summary = json.loads(lines[-1])  # the last line is the machine-readable one
    assert summary["cores"] >= 1
    assert (summary["images"], summary["rounds"]) == (2, 1)  # --quick's sizes
    assert summary["speedup"] > 0
    for name in ("torch", "onnx", "int8-dynamic", "openvino"):
        figures = summary[name]
        assert 0 < figures["median_s"] <= figures["p95_s"]
        assert figures["images_per_s"] > 0
        assert figures["peak_rss_mb"] > 50
    # Each backend ran in its own process: only the torch one paid for torch.
    assert summary["torch"]["torch_loaded"] is True
    assert summary["onnx"]["torch_loaded"] is False
    assert summary["openvino"]["torch_loaded"] is False
    precisions = [summary[name]["precision"] for name in ("torch", "onnx", "int8-dynamic")]
    assert precisions == ["fp32", "fp32", "int8"]
    assert summary["onnx"]["peak_rss_mb"] < summary["torch"]["peak_rss_mb"]
    assert (tmp_path / f"{lively_onnx.stem}-int8-dynamic.json").is_file()
