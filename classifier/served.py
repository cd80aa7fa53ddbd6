"""Which file of an export a worker runs: the fp32 model, or a variant built beside it.

The choice is made once, at load (classifier.precision says how); the file it
lands on is checked against the manifest's checksum before any runtime reads it.
"""

import logging
from dataclasses import dataclass
from pathlib import Path

from .config import ModelConfig
from .errors import ModelError
from .manifest import Manifest, Variant
from .precision import choose_precision, cpu_flags
from .weights import sha256_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Served:
    """A checked export, and which of its precisions this process serves."""

    manifest: Manifest
    path: Path  # the file the runtime opens: the fp32 export or a variant beside it
    sha256: str  # of that file, checked
    precision: str  # "fp32", "int8" or "bf16"
    reason: str  # why that one, in words (for /readyz and the logs)


def served_file(config: ModelConfig, manifest: Manifest) -> Served:
    """Choose the precision for `config` on this CPU, then check the file it names.

    `manifest` and the fp32 file are already checked (classifier.exported). Under
    "auto" a variant whose file is absent is passed over, saying so (a copy of the
    .onnx and .json alone is still a working fp32 model); a forced one must be there.
    A variant whose file does not match its checksum is refused either way.
    """
    forced = None if config.precision == "auto" else config.precision
    if forced is None and _on_a_gpu(config):
        reason = "fp32: on a GPU (the CPU's instructions, and the variants, are for CPUs)"
        return Served(manifest, config.weights, manifest.onnx_sha256, "fp32", reason)
    present, absent = _by_presence(config.weights, manifest.variants)
    if forced in absent:
        raise ModelError(f"BIRDAI_MODEL_PRECISION is {forced}, but {absent[forced]}")
    precision, reason = choose_precision(
        flags=cpu_flags(),
        variants=present,
        backend=config.backend,
        fidelity_min=config.fidelity_min,
        forced=forced,
    )
    reason = "; ".join([reason, *absent.values()])
    log.info("Serving %s in %s: %s", config.weights, precision, reason)
    if precision == "fp32":
        return Served(manifest, config.weights, manifest.onnx_sha256, precision, reason)
    variant = present[precision]
    path = config.weights.with_name(variant.file)
    if (path, variant.sha256) != (config.weights, manifest.onnx_sha256):  # else checked
        verify_variant(path, variant, precision)
    return Served(manifest, path, variant.sha256, precision, reason)


def verify_variant(path: Path, variant: Variant, precision: str) -> None:
    """ModelError unless `path` has the checksum the manifest records for it."""
    actual = sha256_of(path)
    if actual != variant.sha256:
        raise ModelError(
            f"Checksum mismatch for {path}, the model's {precision} variant: its manifest "
            f"says SHA-256 {variant.sha256}, the file has {actual}. The file is damaged, "
            "or belongs to another build; build the model again."
        )


def _on_a_gpu(config: ModelConfig) -> bool:
    """Whether ONNX Runtime will run this config on a GPU (OpenVINO here: the CPU only)."""
    if config.backend != "onnx" or config.device == "cpu":
        return False
    if config.device != "auto":
        return True  # cuda[:N] or tensorrt[:N]
    from .onnx_session import CUDA, import_onnxruntime

    return CUDA in import_onnxruntime().get_available_providers()


def _by_presence(
    weights: Path, variants: dict[str, Variant]
) -> tuple[dict[str, Variant], dict[str, str]]:
    """(the variants whose file is beside `weights`, why each other one is not served)."""
    present, absent = {}, {}
    for precision, variant in variants.items():
        if weights.with_name(variant.file).is_file():
            present[precision] = variant
        else:
            absent[precision] = (
                f"the model's {precision} variant, {variant.file}, is not beside "
                f"{weights.name} (copy it too, or build the model again)"
            )
    return present, absent
