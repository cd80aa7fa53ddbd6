"""Run one measurement in a fresh interpreter, so its peak memory (RSS) is its own."""

import json
import subprocess
import sys
from typing import Any


def run_in_child(module: str, job: dict[str, Any]) -> dict[str, Any]:
    """`python -m module --child JOB`; its last line of output is the JSON result."""
    command = [sys.executable, "-m", module, "--child", json.dumps(job)]
    # Our own interpreter and module, with arguments we built: S603 does not apply.
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.splitlines()[-1]))
