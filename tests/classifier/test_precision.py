"""The precision a worker serves, from its CPU's flags and its variants' fidelity to fp32."""

from pathlib import Path

import pytest

from classifier import ModelError
from classifier.fidelity import Fidelity
from classifier.manifest import Variant
from classifier.precision import choose_precision, cpu_flags

# One core as this project's benchmark machine lists it: AMD EPYC (Zen 4) in a VM,
# AVX-512 with VNNI and BF16, no AMX. Real machines repeat the block once per core.
EPYC_CORE = """\
processor\t: {n}
vendor_id\t: AuthenticAMD
cpu family\t: 25
model\t\t: 17
model name\t: AMD EPYC
stepping\t: 1
cpu MHz\t\t: 2596.146
cache size\t: 1024 KB
cpu cores\t: 2
fpu\t\t: yes
cpuid level\t: 28
flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush \
mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl \
xtopology nonstop_tsc cpuid extd_apicid tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid sse4_1 \
sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm \
cmp_legacy cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw topoext vmmcall fsgsbase \
tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap avx512ifma \
clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves avx512_bf16 \
clzero xsaveerptr arat avx512vbmi umip avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni \
avx512_bitalg avx512_vpopcntdq rdpid fsrm
bugs\t\t: sysret_ss_attrs null_seg spectre_v1 spectre_v2 spec_store_bypass srso spectre_v2_user
bogomips\t: 5192.29
power management:

"""
EPYC = EPYC_CORE.format(n=0) + EPYC_CORE.format(n=1)

# A t4g instance (Graviton2, Neoverse N1): the course's servers. asimddp is the dot product.
GRAVITON = """\
processor\t: 0
BogoMIPS\t: 243.75
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm \
lrcpc dcpop asimddp ssbs
CPU implementer\t: 0x41
CPU architecture: 8
CPU variant\t: 0x3
CPU part\t: 0xd0c
CPU revision\t: 1

"""

# An Intel Haswell (Xeon E5-2676 v3, as in older AWS instance types): AVX2 and nothing wider.
HASWELL = """\
processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) CPU E5-2676 v3 @ 2.40GHz
flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx \
fxsr sse sse2 ht syscall nx rdtscp lm constant_tsc rep_good nopl xtopology cpuid pni pclmulqdq \
ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c \
rdrand hypervisor lahf_lm abm cpuid_fault invpcid_single pti fsgsbase bmi1 avx2 smep bmi2 erms \
invpcid xsaveopt

"""

SHA = "ab" * 32


def variant(f1: float | None, *backends: str, diff: float = 0.01, boxes: int = 300) -> Variant:
    measured = None if f1 is None else Fidelity(f1, diff, photos=40, boxes=boxes)
    return Variant("m-int8.onnx", SHA, backends or ("onnx", "openvino"), measured)


def cpuinfo(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cpuinfo"
    path.write_text(text)
    return path


def choose(
    flags: frozenset[str], backend: str = "onnx", forced: str | None = None, **variants: Variant
) -> tuple[str, str]:
    return choose_precision(
        flags=flags, variants=variants, backend=backend, fidelity_min=0.98, forced=forced
    )


def test_flags_of_an_x86_cpu(tmp_path: Path) -> None:
    flags = cpu_flags(cpuinfo(tmp_path, EPYC))
    assert {"avx2", "avx512f", "avx512_vnni", "avx512_bf16"} <= flags
    assert "amx_bf16" not in flags
    assert "spectre_v1" not in flags  # the "bugs" line is not a flags line


def test_features_of_an_arm_cpu(tmp_path: Path) -> None:
    flags = cpu_flags(cpuinfo(tmp_path, GRAVITON))
    assert {"asimd", "asimddp", "fp"} <= flags
    assert len(flags) == 17  # and nothing from the other lines


def test_only_flags_every_core_has_count(tmp_path: Path) -> None:
    # Big and little arm cores may differ; a worker's threads run on either.
    little = GRAVITON.replace(" asimddp", "").replace("processor\t: 0", "processor\t: 1")
    flags = cpu_flags(cpuinfo(tmp_path, GRAVITON + little))
    assert "asimd" in flags and "asimddp" not in flags


def test_no_cpuinfo_means_no_flags(tmp_path: Path) -> None:
    assert cpu_flags(tmp_path / "absent") == frozenset()
    assert cpu_flags(cpuinfo(tmp_path, "processor\t: 0\n")) == frozenset()


def test_this_machines_flags_are_read() -> None:
    if not Path("/proc/cpuinfo").is_file():
        pytest.skip("no /proc/cpuinfo: not Linux")
    assert cpu_flags()  # every Linux CPU lists some, on x86 and arm alike


def test_vnni_serves_int8_that_passes_the_gate(tmp_path: Path) -> None:
    flags = cpu_flags(cpuinfo(tmp_path, EPYC))
    chosen = choose(flags, int8=variant(0.991))
    assert chosen == (
        "int8",
        "int8: the CPU has avx512_vnni and int8's F1 0.991 ≥ 0.98; "
        "bf16 needs the openvino backend, not onnx",
    )


def test_bf16_comes_first_on_openvino(tmp_path: Path) -> None:
    flags = cpu_flags(cpuinfo(tmp_path, EPYC))
    bf16 = variant(0.995, "openvino")
    assert choose(flags, "openvino", int8=variant(0.991), bf16=bf16) == (
        "bf16",
        "bf16: the CPU has avx512_bf16 and bf16's F1 0.995 ≥ 0.98",
    )
    # AMX is named before AVX-512 BF16 where a CPU has both (Sapphire Rapids and later).
    precision, reason = choose(flags | {"amx_bf16"}, "openvino", bf16=bf16)
    assert (precision, reason.split(" and ")[0]) == ("bf16", "bf16: the CPU has amx_bf16")


def test_a_failing_bf16_falls_back_to_int8(tmp_path: Path) -> None:
    flags = cpu_flags(cpuinfo(tmp_path, EPYC))
    chosen = choose(flags, "openvino", int8=variant(0.99), bf16=variant(0.95, "openvino"))
    assert chosen == (
        "int8",
        "int8: the CPU has avx512_vnni and int8's F1 0.99 ≥ 0.98; bf16's F1 0.95 < 0.98",
    )


def test_a_variant_below_the_gate_leaves_fp32(tmp_path: Path) -> None:
    flags = cpu_flags(cpuinfo(tmp_path, GRAVITON))
    assert choose(flags, int8=variant(0.95)) == ("fp32", "fp32: int8's F1 0.95 < 0.98")


def test_the_gate_is_inclusive_and_shows_enough_digits(tmp_path: Path) -> None:
    flags = cpu_flags(cpuinfo(tmp_path, GRAVITON))
    assert choose(flags, int8=variant(0.98)) == (
        "int8",
        "int8: the CPU has asimddp and int8's F1 0.98 ≥ 0.98",
    )
    # Rounded to three places 0.9799 would read "0.98 < 0.98".
    assert choose(flags, int8=variant(0.9799))[1] == "fp32: int8's F1 0.9799 < 0.98"


def test_arm_dot_product_serves_int8(tmp_path: Path) -> None:
    flags = cpu_flags(cpuinfo(tmp_path, GRAVITON))
    assert choose(flags, int8=variant(0.99), bf16=variant(1.0, "openvino"))[0] == "int8"


def test_avx2_only_keeps_fp32_and_says_why(tmp_path: Path) -> None:
    flags = cpu_flags(cpuinfo(tmp_path, HASWELL))
    assert choose(flags, int8=variant(1.0), bf16=variant(1.0, "openvino")) == (
        "fp32",
        "fp32: no VNNI/dot-product/bf16 on this CPU (AVX2 only)",
    )
    assert (
        choose(frozenset())[1]
        == "fp32: no VNNI/dot-product/bf16 on this CPU (its flags are unreadable)"
    )


def test_no_variant_for_the_cpu_keeps_fp32(tmp_path: Path) -> None:
    # A manifest from before variants: fp32 only.
    flags = cpu_flags(cpuinfo(tmp_path, GRAVITON))
    assert choose(flags) == (
        "fp32",
        "fp32: the model has no int8 variant (python -m classifier build makes it)",
    )


def test_a_variant_for_another_backend_is_passed_over(tmp_path: Path) -> None:
    flags = cpu_flags(cpuinfo(tmp_path, GRAVITON))
    assert choose(flags, "onnx", int8=variant(0.99, "openvino")) == (
        "fp32",
        "fp32: the model's int8 variant is for openvino, not onnx",
    )
    assert choose(flags, "onnx", int8=variant(None)) == (
        "fp32",
        "fp32: int8 has no recorded fidelity to fp32",
    )


def test_forcing_wins_over_the_cpu_and_the_gate(tmp_path: Path) -> None:
    avx2 = cpu_flags(cpuinfo(tmp_path, HASWELL))
    assert choose(avx2, forced="int8", int8=variant(0.95)) == (
        "int8",
        "int8: forced (BIRDAI_MODEL_PRECISION); int8's F1 0.95 < 0.98",
    )
    epyc = cpu_flags(cpuinfo(tmp_path, EPYC))
    assert choose(epyc, forced="fp32", int8=variant(1.0)) == (
        "fp32",
        "fp32: forced (BIRDAI_MODEL_PRECISION)",
    )
    assert choose(epyc, forced="int8", int8=variant(None))[1].endswith("no recorded fidelity")


def test_forcing_a_variant_that_is_not_there_is_an_error() -> None:
    with pytest.raises(ModelError, match=r"no bf16 variant \(it has fp32, int8\); build one"):
        choose(frozenset(), forced="bf16", int8=variant(0.99))
    with pytest.raises(ModelError, match="onnx backend cannot serve"):
        choose(frozenset(), "onnx", forced="int8", int8=variant(0.99, "openvino"))
    with pytest.raises(ModelError, match="onnx backend cannot serve"):
        choose(frozenset(), "onnx", forced="bf16", bf16=variant(0.99, "onnx", "openvino"))


def test_a_perfect_score_on_no_boxes_does_not_pass_the_gate() -> None:
    # What an untrained model records: neither side found anything, so F1 is 1.0.
    chosen, why = choose(frozenset({"avx512_vnni"}), int8=variant(1.0, boxes=0))
    assert chosen == "fp32"
    assert "measured on 0 boxes" in why and "fewer than 20" in why
    assert choose(frozenset({"avx512_vnni"}), int8=variant(1.0, boxes=20))[0] == "int8"
