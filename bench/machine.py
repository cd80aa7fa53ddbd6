"""The machine a benchmark ran on, reported by every benchmark here."""

import os
from pathlib import Path
from typing import Any


def machine() -> dict[str, Any]:
    """The CPU, as lscpu names it, and how busy the machine was (others share it)."""
    return {"cpu": _cpu_model(), "cores": os.cpu_count(), "loadavg": round(os.getloadavg()[0], 2)}


def machine_line(host: dict[str, Any]) -> str:
    """The first line of every benchmark's table."""
    return f"{host['cpu']}, {host['cores']} cores, load average before: {host['loadavg']}"


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")  # Linux; elsewhere the model goes unnamed
    for line in cpuinfo.read_text().splitlines() if cpuinfo.exists() else []:
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"
