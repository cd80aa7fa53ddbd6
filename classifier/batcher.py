"""Gather concurrent requests into batches: one pass through the network for several images.

On a GPU one pass costs about the same for one image as for eight, so the
inference server does not run each request alone: the first image of a batch
waits up to `wait_s` for others, and a batch leaves as soon as it is full. Only
this thread calls the model; request threads wait for their image's future.
"""

import logging
import queue
import threading
import time
from collections import Counter
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .detection import DetectionRun
from .detector import Detector

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

type Answer = tuple[DetectionRun, int]  # the run, and the size of the batch it ran in


@dataclass
class _Job:
    pixels: "np.ndarray"  # (height, width, 3) uint8 RGB: classifier.pixels.rgb_pixels
    answer: Future[Answer] = field(default_factory=Future)


class Batcher:
    def __init__(self, detector: Detector, size: int, wait_s: float) -> None:
        self.detector = detector
        self.size = size
        self.wait_s = wait_s
        self._jobs: queue.Queue[_Job] = queue.Queue()
        self._sizes: Counter[int] = Counter()  # batches run, by their size
        self._lock = threading.Lock()
        threading.Thread(target=self._run_forever, name="batcher", daemon=True).start()

    def submit(self, pixels: "np.ndarray") -> Future[Answer]:
        job = _Job(pixels)
        self._jobs.put(job)
        return job.answer

    def sizes_seen(self) -> dict[int, int]:
        """How many batches of each size ran so far (for /readyz and the tests)."""
        with self._lock:
            return dict(sorted(self._sizes.items()))

    def _run_forever(self) -> None:
        while True:
            self._run(self._collect())

    def _collect(self) -> list[_Job]:
        batch = [self._jobs.get()]  # wait as long as it takes for a first one
        deadline = time.monotonic() + self.wait_s
        while len(batch) < self.size:
            try:  # what already waits is taken at once, even after the deadline
                batch.append(self._jobs.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                break
        return batch

    def _run(self, batch: list[_Job]) -> None:
        try:
            runs = self.detector.detect_pixels([job.pixels for job in batch])
        except Exception as error:  # the images were checked already: a fault of the model
            log.exception("A batch of %s failed", len(batch))
            for job in batch:
                job.answer.set_exception(error)
            return
        with self._lock:
            self._sizes[len(batch)] += 1
        for job, run in zip(batch, runs, strict=True):
            job.answer.set_result((run, len(batch)))
