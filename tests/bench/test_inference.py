"""python -m bench.inference --quick, on the small untrained model: the smoke run CI does."""

import json
from pathlib import Path

from tests.conftest import run_python


def test_bench_times_the_model_in_process_and_over_http(untrained_onnx: Path, tmp_path) -> None:
    model = ["--onnx", str(untrained_onnx), "--workdir", str(tmp_path)]
    done = run_python("-m", "bench.inference", "--quick", *model)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("hop: ") for line in lines)
    summary = json.loads(lines[-1])  # the last line is the machine-readable one
    assert (summary["model"], summary["images"], summary["rounds"]) == (untrained_onnx.stem, 2, 1)
    for way in ("in_process", "http"):
        assert 0 < summary[way]["median_s"] <= summary[way]["p95_s"]
    # Medians of the pairs: each photo timed both ways, one right after the other.
    # Comparable things: the hop is small beside the network's own time, even on a busy machine.
    assert 0.3 < summary["ratio"] < 5 and isinstance(summary["hop_ms"], float)
    # The service holds the model; a worker that sends its photos there does not.
    service = summary["service"]
    assert 100 < service["idle_rss_mb"] <= service["peak_rss_mb"]
    assert summary["client"]["onnxruntime"] is False
    assert summary["client"]["peak_rss_mb"] < summary["worker_with_model_peak_rss_mb"]
