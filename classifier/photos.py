"""Photos a build calibrates and checks its int8 variant on: a folder's, and some made here.

Made photos are smooth random blobs, the same on every run: they exercise the
network's whole range of inputs, but look like nothing, so a folder of real
photos (`--calibration`) is what makes the ranges and the fidelity mean much.
The two sets never share a photo: fidelity is measured on photos the
quantiser never saw.
"""

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

# Typical upload shapes: 4:3 and 16:9 landscape, 3:4 portrait, a large 4:3.
SIZES = ((1600, 1200), (1920, 1080), (1200, 1600), (2048, 1536))
SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
HELD_OUT_SEEDS = 1000  # made photos for measuring use seeds from here: never a calibration one


def blobs(seed: int, size: tuple[int, int]) -> "Image":
    """A photo-sized picture of smooth random blobs, the same for the same seed."""
    import numpy as np
    from PIL import Image

    small = np.random.default_rng(seed).integers(0, 256, (size[1] // 16, size[0] // 16, 3))
    return Image.fromarray(small.astype(np.uint8)).resize(size, Image.Resampling.BICUBIC)


def split_photos(folder: Path | None, work: Path, made: int = 8) -> tuple[list[Path], list[Path]]:
    """(calibration photos, held-out photos): disjoint, each about half of everything.

    The folder's photos alternate between the two, in name order; `made` blob
    photos are written to `work` for each side.
    """
    found = folder_photos(folder) if folder is not None else []
    calibration = found[0::2] + _made(work, range(made))
    held_out = found[1::2] + _made(work, range(HELD_OUT_SEEDS, HELD_OUT_SEEDS + made))
    return calibration, held_out


def folder_photos(folder: Path) -> list[Path]:
    """Every photo under `folder` (by suffix), in name order; ValueError if it has none."""
    photos = sorted(
        path for path in folder.rglob("*") if path.suffix.lower() in SUFFIXES and path.is_file()
    )
    if not photos:
        raise ValueError(f"no photos ({', '.join(SUFFIXES)}) under {folder}")
    return photos


def _made(work: Path, seeds: range) -> list[Path]:
    paths = []
    for seed in seeds:
        path = work / f"made-{seed}.jpg"
        blobs(seed, SIZES[seed % len(SIZES)]).save(path, quality=90)
        paths.append(path)
    return paths
