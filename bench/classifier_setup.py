"""What `python -m bench.classifier` measures: the variants, the models, the images."""

import argparse
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from classifier.config import DEFAULT_CLASSES
from classifier.manifest import read_manifest, write_manifest
from classifier.weights import sha256_of


@dataclass(frozen=True)
class Variant:
    name: str
    backend: str  # "torch", "onnx" or "openvino"
    batch: int = 1  # images per detect_batch call
    int8: str = ""  # "dynamic" or "static": an 8-bit integer copy (classifier/quantize.py)
    imgsz: int = 0  # another input size for the same .onnx file; 0: the manifest's
    precision: str = "fp32"  # "auto": the runtime's choice (OpenVINO: bfloat16 with AMX)


SERVED = "served"
VARIANTS = {
    v.name: v
    for v in (
        Variant("torch", "torch"),  # stock ultralytics predict: the baseline
        Variant("onnx", "onnx"),
        Variant("onnx-b4", "onnx", batch=4),
        Variant("onnx-b8", "onnx", batch=8),  # batches pay off on a GPU, not on a CPU
        Variant("onnx-b32", "onnx", batch=32),
        Variant("onnx-512", "onnx", imgsz=512),  # fewer pixels: faster, less accurate
        Variant("int8-dynamic", "onnx", int8="dynamic"),
        Variant("int8-static", "onnx", int8="static"),
        Variant("openvino", "openvino"),
        Variant("openvino-auto", "openvino", precision="auto"),  # bfloat16 where there is AMX
        # What a worker serves by default here: the onnx backend, BIRDAI_MODEL_PRECISION=auto,
        # so the CPU's flags and the gate choose among the variants the build made.
        Variant(SERVED, "onnx", precision="auto"),
    )
}
MADE_PHOTOS = 8  # photos made in code on each side of the build's int8 variant, as the build
QUICK_MADE_PHOTOS = 2  # --quick: the same steps, fewer photos


def prepare(
    args: argparse.Namespace, variants: list[Variant], sizes: tuple[tuple[int, int], ...]
) -> dict[str, dict[str, Any]]:
    """Build what is missing under args.workdir; return one child job per variant."""
    args.workdir.mkdir(parents=True, exist_ok=True)
    weights = args.weights or _untrained(args.arch, args.workdir)
    # The served row needs what `python -m classifier build` makes: the int8 variant too.
    int8 = any(variant.name == SERVED for variant in variants)
    made = QUICK_MADE_PHOTOS if args.quick else MADE_PHOTOS
    onnx = args.onnx or _exported(weights, args.workdir, int8=int8, made=made)
    images = [str(_image(args.workdir, i, sizes[i % len(sizes)])) for i in range(args.images)]
    classes = read_manifest(onnx).classes
    jobs = {}
    for variant in variants:
        model = weights if variant.backend == "torch" else onnx
        if variant.int8:
            calibration = [Path(image) for image in images]
            model = _quantised(onnx, variant.int8, calibration, args.workdir)
        if variant.imgsz:
            model = _resized(onnx, variant.imgsz, args.workdir)
        config = {
            "weights": str(model),
            "classes": list(classes),
            "sha256": None,  # the benchmark built or was handed these files itself
            "device": args.device,
            "backend": variant.backend,
            "precision": variant.precision,
            "threads": args.threads,
            "imgsz": read_manifest(model).imgsz,
        }
        jobs[variant.name] = {
            "config": config,
            "images": images,
            "rounds": args.rounds,
            "batch": variant.batch,
            "int8": variant.int8,
        }
    return jobs


def _untrained(arch: str, workdir: Path) -> Path:
    from classifier.untrained import build_untrained

    out = workdir / f"{Path(arch).stem}-untrained.pt"
    return out if out.is_file() else build_untrained(arch, DEFAULT_CLASSES, out)


def _exported(weights: Path, workdir: Path, *, int8: bool, made: int) -> Path:
    """The build of `weights`, made once; with `int8`, its int8 variant and fidelity too.

    An --onnx model is taken as it was built: its manifest's variants are what it serves.
    """
    from classifier.build import build_onnx
    from classifier.build_int8 import add_int8_variant

    out = workdir / f"{weights.stem}.onnx"
    if not out.is_file():
        build_onnx(weights, DEFAULT_CLASSES, out, sha256=sha256_of(weights))
    if int8 and "int8" not in read_manifest(out).variants:  # also an export from earlier runs
        add_int8_variant(out, made=made)  # as the build does without --calibration
    return out


def _quantised(onnx: Path, kind: str, calibration: list[Path], workdir: Path) -> Path:
    """An int8 copy of `onnx`, made once; static calibrates on the benchmark's own images."""
    from classifier.quantize import quantize_dynamic_int8, quantize_static_int8

    out = workdir / f"{onnx.stem}-int8-{kind}.onnx"
    if out.is_file():
        return out
    if kind == "dynamic":
        return quantize_dynamic_int8(onnx, out)
    return quantize_static_int8(onnx, out, calibration)


def _resized(onnx: Path, imgsz: int, workdir: Path) -> Path:
    """The same file under another name, whose manifest asks for `imgsz`.

    The export leaves height and width open, so one file serves any input size;
    the manifest is what fixes it, and there is one manifest per file name.
    """
    out = workdir / f"{onnx.stem}-{imgsz}.onnx"
    if not out.exists():
        out.symlink_to(onnx.resolve())
        write_manifest(out, replace(read_manifest(onnx), imgsz=imgsz))
    return out


def _image(workdir: Path, index: int, size: tuple[int, int]) -> Path:
    """A photo-sized JPEG of smooth random blobs, the same on every run."""
    from classifier.photos import blobs

    path = workdir / "images" / f"bench-{index}-{size[0]}x{size[1]}.jpg"
    if not path.is_file():
        path.parent.mkdir(exist_ok=True)
        blobs(index, size).save(path, quality=90)
    return path
