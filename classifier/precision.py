"""Which precision a worker serves: the fastest its CPU runs well, if faithful enough.

fp32 is at the CPU's matmul floor already; only lower precision is several
times faster (docs/benchmarks.md), and only on CPUs with instructions for it:
bf16 with AMX or AVX-512 BF16, int8 with VNNI or arm's dot product. A variant
is served only if its recorded fidelity to fp32 passes the gate; fp32 is the
reference and always does.
"""

from collections.abc import Iterable, Mapping
from pathlib import Path

from .errors import ModelError
from .fidelity import MIN_BOXES
from .manifest import Variant

CPUINFO = Path("/proc/cpuinfo")
# Each precision with the CPU flags (as Linux names them) that make it fast, best first.
FAST_ON = {
    "bf16": ("amx_bf16", "avx512_bf16"),
    "int8": ("avx512_vnni", "avx_vnni", "asimddp"),
}
# ONNX Runtime's CPU provider has no bf16 kernels worth serving; OpenVINO runs the
# fp32 file in bf16 on such CPUs.
BF16_BACKENDS = ("openvino",)


def cpu_flags(path: Path = CPUINFO) -> frozenset[str]:
    """The CPU's feature flags: x86's "flags" lines, arm's "Features" lines.

    Only flags every core has count (big and little arm cores may differ, and a
    worker's threads run on any). No such file (not Linux): no flags, so fp32.
    """
    try:
        text = path.read_text()
    except FileNotFoundError:
        return frozenset()
    per_core = [
        frozenset(value.split())
        for key, _, value in (line.partition(":") for line in text.splitlines())
        if key.strip() in ("flags", "Features")
    ]
    return frozenset.intersection(*per_core) if per_core else frozenset()


def choose_precision(
    *,
    flags: Iterable[str],
    variants: Mapping[str, Variant],
    backend: str,
    fidelity_min: float,
    forced: str | None = None,
) -> tuple[str, str]:
    """(precision, why in words) for a model with these `variants` on this CPU.

    `forced` (BIRDAI_MODEL_PRECISION) wins over the CPU and the gate; ModelError if
    there is no such variant for `backend`. Otherwise the first precision the CPU
    runs fast whose variant exists, serves `backend` and passes the gate, else fp32.
    """
    if forced is not None:
        return _forced(forced, variants, backend, fidelity_min)
    have = frozenset(flags)
    skipped: list[str] = []  # why the faster precisions were passed over
    for precision, flag in _fast_on(have):
        fits, why = _verdict(precision, variants.get(precision), backend, fidelity_min)
        if fits:
            return precision, "; ".join([f"{precision}: the CPU has {flag} and {why}", *skipped])
        skipped.append(why)
    if not skipped:
        return "fp32", f"fp32: no VNNI/dot-product/bf16 on this CPU ({_simd(have)})"
    return "fp32", "fp32: " + "; ".join(skipped)


def _fast_on(flags: frozenset[str]) -> list[tuple[str, str]]:
    """(precision, the flag that makes it fast) for each precision this CPU runs fast."""
    found = []
    for precision, wanted in FAST_ON.items():
        flag = next((flag for flag in wanted if flag in flags), None)
        if flag is not None:
            found.append((precision, flag))
    return found


def _verdict(
    precision: str, variant: Variant | None, backend: str, minimum: float
) -> tuple[bool, str]:
    """(whether `variant` can be served here, why in words)."""
    if precision == "bf16" and backend not in BF16_BACKENDS:
        return False, f"bf16 needs the {' or '.join(BF16_BACKENDS)} backend, not {backend}"
    if variant is None:
        return False, f"the model has no {precision} variant (python -m classifier build makes it)"
    if backend not in variant.backends:
        return (
            False,
            f"the model's {precision} variant is for {', '.join(variant.backends)}, not {backend}",
        )
    if variant.fidelity is None:
        return False, f"{precision} has no recorded fidelity to fp32"
    if not variant.fidelity.conclusive:
        return False, (
            f"{precision}'s fidelity was measured on {variant.fidelity.boxes} boxes of fp32's, "
            f"fewer than {MIN_BOXES}: it proves nothing (an untrained model finds nothing)"
        )
    return variant.fidelity.f1 >= minimum, _gate(precision, variant.fidelity.f1, minimum)


def _forced(
    precision: str, variants: Mapping[str, Variant], backend: str, minimum: float
) -> tuple[str, str]:
    if precision == "fp32":  # the model's own file: always there
        return "fp32", "fp32: forced (BIRDAI_MODEL_PRECISION)"
    variant = variants.get(precision)
    if variant is None:
        built = ", ".join(sorted({"fp32", *variants}))
        raise ModelError(
            f"BIRDAI_MODEL_PRECISION is {precision}, but the model has no {precision} variant "
            f"(it has {built}); build one with python -m classifier build, or unset it"
        )
    if backend not in variant.backends or (precision == "bf16" and backend not in BF16_BACKENDS):
        raise ModelError(
            f"BIRDAI_MODEL_PRECISION is {precision}, which the {backend} backend cannot serve "
            f"(BIRDAI_MODEL_BACKEND); {precision} is built for {', '.join(variant.backends)}"
        )
    fidelity = variant.fidelity
    measured = (
        "no recorded fidelity" if fidelity is None else _gate(precision, fidelity.f1, minimum)
    )
    return precision, f"{precision}: forced (BIRDAI_MODEL_PRECISION); {measured}"


def _gate(precision: str, f1: float, minimum: float) -> str:
    """Say "int8's F1 0.991 ≥ 0.98", with enough digits that the sign is seen to be right."""
    sign = "≥" if f1 >= minimum else "<"
    for digits in range(3, 7):
        shown, gate = f"{f1:.{digits}f}".rstrip("0"), f"{minimum:.{digits}f}".rstrip("0")
        if shown != gate or f1 == minimum:
            break
    return f"{precision}'s F1 {shown.rstrip('.')} {sign} {gate.rstrip('.')}"


def _simd(flags: frozenset[str]) -> str:
    """The widest vector instructions the CPU has, for saying why fp32 stays."""
    for flag, name in (("avx512f", "AVX-512"), ("avx2", "AVX2"), ("asimd", "NEON")):
        if flag in flags:
            return f"{name} only"
    return "no vector flags found" if flags else "its flags are unreadable"
