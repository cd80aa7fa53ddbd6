"""Hypothesis strategies that mutate the seed corpus (tests/fuzz/seeds.py)."""

from hypothesis import strategies as st

from tests.fuzz.seeds import TYPE_SIZES, Entry, gps_entries, jpeg_with_exif, tiff_block


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` with a few bytes flipped, spliced in, cut out, or the tail cut off."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        if not out:
            break
        at = draw(st.integers(0, len(out) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat"]))
        if action == "flip":
            out[at] ^= draw(st.integers(1, 255))
        elif action == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif action == "delete":
            del out[at : at + draw(st.integers(1, 64))]
        elif action == "truncate":
            del out[at:]
        else:  # a chunk repeated: lengths and offsets no longer add up
            out[at:at] = out[at : at + draw(st.integers(1, 256))]
    return bytes(out)


@st.composite
def gps_entry(draw: st.DrawFn) -> Entry:
    """One GPS entry with any tag of the GPS IFD, any type and a count that may lie."""
    tag = draw(st.integers(0, 0x1F))
    kind = draw(st.sampled_from(sorted(TYPE_SIZES)))
    real = draw(st.integers(0, 4))
    value = draw(st.binary(min_size=TYPE_SIZES[kind] * real, max_size=TYPE_SIZES[kind] * real))
    count = draw(st.one_of(st.just(real), st.integers(0, 2**32 - 1)))  # huge counts too
    return tag, kind, count, value


@st.composite
def hostile_exif_jpeg(draw: st.DrawFn) -> bytes:
    """A valid JPEG carrying a hand-built EXIF block broken in the ways files are."""
    entries = list(gps_entries())
    if draw(st.booleans()):  # truncate one rational: 8 bytes a value, fewer written
        index = draw(st.sampled_from([1, 3, 4]))
        tag, kind, count, value = entries[index]
        entries[index] = (tag, kind, count, value[: draw(st.integers(0, len(value) - 1))])
    entries += draw(st.lists(gps_entry(), max_size=6))
    loop = draw(st.sampled_from([None, 8, 0, 2**32 - 1]))  # 8: GPS IFD is IFD0, a loop
    next_ifd = draw(st.sampled_from([0, 8, 26, 2**31]))
    tiff = tiff_block(draw(st.permutations(entries)), gps_offset=loop, next_ifd=next_ifd)
    return jpeg_with_exif(draw(mutated(tiff)) if draw(st.booleans()) else tiff)
