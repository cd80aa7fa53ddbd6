"""`make bench-upload`: the CPU an upload request spends on its photo, now and before.

    python -m bench.upload [--sizes 800x600,4032x3024] [--repeats 20] [--quick]

The upload request checks the photo completely (images.check_upload: name, format,
a full decode) and stores the original; the worker makes the EXIF-free copies
(images.served_copies_make). Before, the request made them too. For each size this
times both in one process, alternating, on a photo-like JPEG made in code: the
request's work now (check) and before (check + copies), as CPU milliseconds
(median) and their ratio. It prints a table, then one JSON line. --quick: one small
size, 3 repeats; under a second.
"""

import argparse
import io
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from PIL import Image

from bench.machine import machine, machine_line
from bench.options import parse_args
from submissions.images import check_upload, served_copies_make

QUICK = {"sizes": "320x240", "repeats": 3}
MAX_PIXELS = 50_000_000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sizes = "the load test's photo, a 12-megapixel phone's"
    parser.add_argument("--sizes", default="800x600,4032x3024", help=f"WxH,…: {sizes}")
    parser.add_argument("--repeats", type=int, default=20)
    args = parse_args(parser, QUICK, argv)
    host = machine()
    print(machine_line(host))
    print(f"{'size':>10} {'KB':>6} {'check ms':>9} {'+copies ms':>11} {'before/now':>11}")
    rows = []
    for size in args.sizes.split(","):
        width, height = (int(side) for side in size.split("x"))
        rows.append(measure(photo_jpeg(width, height), f"{width}x{height}", args.repeats))
        row = rows[-1]
        print(
            f"{row['size']:>10} {row['kb']:>6} {row['check_ms']:>9} "
            f"{row['check_and_copies_ms']:>11} {row['ratio']:>11}"
        )
    print(json.dumps({**host, "repeats": args.repeats, "sizes": rows}))


def photo_jpeg(width: int, height: int) -> bytes:
    """A gradient with noise on top: it compresses like a photo, not like a flat colour."""
    sky = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    noise = Image.effect_noise((width, height), 40).convert("RGB")
    buffer = io.BytesIO()
    Image.blend(sky, noise, 0.3).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def measure(data: bytes, size: str, repeats: int) -> dict[str, Any]:
    def check() -> None:
        check_upload(data, "photo.jpg", max_pixels=MAX_PIXELS)

    def check_and_copies() -> None:
        checked = check_upload(data, "photo.jpg", max_pixels=MAX_PIXELS)
        served_copies_make(checked.original, checked.extension, max_pixels=MAX_PIXELS)

    now, before = [], []
    for _ in range(repeats):  # alternating, so a machine that slows down slows both
        now.append(_cpu_ms(check))
        before.append(_cpu_ms(check_and_copies))
    check_ms, both_ms = statistics.median(now), statistics.median(before)
    return {
        "size": size,
        "kb": len(data) // 1024,
        "check_ms": round(check_ms, 2),
        "check_and_copies_ms": round(both_ms, 2),
        "ratio": round(both_ms / check_ms, 2),
    }


def _cpu_ms(work: Callable[[], None]) -> float:
    # CPU time, not wall time: Pillow's threads count, waiting for the CPU does not.
    start = time.process_time()
    work()
    return (time.process_time() - start) * 1000


if __name__ == "__main__":
    main()
