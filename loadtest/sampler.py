"""Samples taken once a second during a run: queue depth, CPU and memory of each role.

A role (web, worker, postgres, haproxy, locust) is the process tree under the pids
it was started as. Its CPU time counts its live processes and, through their
`cutime`, the children they have reaped (a database connection that closed, a
gunicorn worker that was replaced), so no second of it is lost.
"""

import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TICKS = os.sysconf("SC_CLK_TCK")
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 1e6


@dataclass
class Samples:
    queue: list[tuple[float, int]] = field(default_factory=list)  # (time, pending + processing)
    cpu_start: dict[str, float] = field(default_factory=dict)  # role: CPU seconds so far
    cpu_end: dict[str, float] = field(default_factory=dict)
    machine_cpu_s: float = 0.0  # all CPUs, all processes, over the run
    rss_start: dict[str, float] = field(default_factory=dict)  # "role pid (command)": MB
    rss_end: dict[str, float] = field(default_factory=dict)
    rss_peak: dict[str, float] = field(default_factory=lambda: defaultdict(float))


class Sampler(threading.Thread):
    def __init__(self, roots: dict[str, list[int]], queue_depth: Any, every_s: float = 1.0):
        super().__init__(daemon=True)
        self.roots, self.queue_depth, self.every_s = roots, queue_depth, every_s
        self.samples = Samples()
        self.stopping = threading.Event()

    def run(self) -> None:
        started, machine_start = time.monotonic(), _machine_cpu_s()
        self.samples.cpu_start, self.samples.rss_start = self._processes()
        while not self.stopping.wait(self.every_s):
            self.samples.queue.append((time.monotonic() - started, self.queue_depth()))
            _, rss = self._processes()
            for name, mb in rss.items():
                self.samples.rss_peak[name] = max(self.samples.rss_peak[name], mb)
        self.samples.cpu_end, self.samples.rss_end = self._processes()
        self.samples.machine_cpu_s = _machine_cpu_s() - machine_start

    def stop(self) -> Samples:
        self.stopping.set()
        self.join(timeout=30)
        return self.samples

    def _processes(self) -> tuple[dict[str, float], dict[str, float]]:
        table = _process_table()
        cpu: dict[str, float] = defaultdict(float)
        rss: dict[str, float] = {}
        for role, pids in self.roots.items():
            for pid in _tree(table, pids):
                stat = table[pid]
                cpu[role] += stat["cpu_s"]
                rss[f"{role} {pid} ({stat['command']})"] = stat["rss_mb"]
        return dict(cpu), rss


def _process_table() -> dict[int, dict[str, Any]]:
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue  # it ended meanwhile
        # The command is in parentheses and may hold spaces: split after the last ")".
        command = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        table[int(entry.name)] = {
            "ppid": int(fields[1]),
            "cpu_s": sum(int(value) for value in fields[11:15]) / TICKS,  # u, s, cu, cs time
            "rss_mb": int(fields[21]) * PAGE_MB,
            "command": command,
        }
    return table


def _tree(table: dict[int, dict[str, Any]], roots: list[int]) -> list[int]:
    children = defaultdict(list)
    for pid, stat in table.items():
        children[stat["ppid"]].append(pid)
    found, todo = [], [pid for pid in roots if pid in table]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children[pid]
    return found


def _machine_cpu_s() -> float:
    # The first line of /proc/stat: user nice system idle iowait irq softirq steal ...
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    busy = sum(values[:8]) - values[3] - values[4]
    return busy / TICKS
