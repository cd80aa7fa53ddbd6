"""The fuzzers' seed corpus, built in code: valid photos with GPS EXIF, and raw EXIF.

`photo_seeds` are JPEG, PNG, WebP and HEIC files made with Pillow (tests.conftest's
writers); `tiff_block` assembles a TIFF/EXIF block byte by byte, so a fuzzer can give
it wrong types, huge counts, IFD offsets that loop and GPS rationals cut short, none of
which Pillow would ever write. Real-camera JPEGs join them when the shared corpus
(exif-samples, CC BY-SA 4.0, ianare/exif-samples) is present: `corpus_seeds`.
"""

import struct
from pathlib import Path

from PIL import Image

from tests.conftest import exif_samples_dir, gps_exif, gps_xmp, save_photo

# (format, file name) for each kind of file the app accepts.
FORMATS = (("JPEG", "seed.jpg"), ("PNG", "seed.png"), ("WEBP", "seed.webp"), ("HEIF", "seed.heic"))
GPS_IFD_TAG, EXIF_IFD_TAG = 0x8825, 0x8769
# EXIF field types: 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, 10 SRATIONAL; and their sizes.
TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8, 11: 4, 12: 8}

type Entry = tuple[int, int, int, bytes]  # tag, type, count, value bytes (inline or not)


def photo_seeds() -> list[tuple[str, bytes]]:
    """(file name, bytes) of a small photo with a GPS position, in every accepted format."""
    image = Image.new("RGB", (64, 48), (90, 140, 60))
    exif = gps_exif(51.523456, -0.187654).tobytes()
    xmp = gps_xmp(51.523456, -0.187654)
    return [(name, save_photo(image, format, exif=exif, xmp=xmp)) for format, name in FORMATS]


def corpus_seeds(limit: int = 12) -> list[tuple[str, bytes]]:
    """Up to `limit` real-camera JPEGs from the shared corpus; [] when it is absent."""
    paths = sorted(exif_samples_dir().glob("jpg/**/*.jpg"))[:limit]
    return [(path.name, path.read_bytes()) for path in paths]


def corpus_present() -> bool:
    return (exif_samples_dir() / "gps-expected.json").is_file()


def rational(numerator: int, denominator: int) -> bytes:
    return struct.pack(">II", numerator % 2**32, denominator % 2**32)


def gps_entries(lat: float = 51.5, lon: float = 0.12) -> list[Entry]:
    """A GPS IFD's entries as a camera writes them: refs and three rationals each."""

    def dms(value: float) -> bytes:
        seconds = round(abs(value) * 3600 * 100)
        degrees, rest = divmod(seconds, 360_000)
        minutes, seconds = divmod(rest, 6000)
        return rational(degrees, 1) + rational(minutes, 1) + rational(seconds, 100)

    return [
        (1, 2, 2, b"N\x00"),
        (2, 5, 3, dms(lat)),
        (3, 2, 2, b"E\x00"),
        (4, 5, 3, dms(lon)),
        (6, 5, 1, rational(35, 1)),
    ]


def tiff_block(gps: list[Entry], *, gps_offset: int | None = None, next_ifd: int = 0) -> bytes:
    """A big-endian TIFF block: IFD0 pointing at a GPS IFD holding `gps` entries.

    The count field is written as given even where the value is shorter, and
    `gps_offset`/`next_ifd` may point anywhere (at IFD0 itself: a loop).
    """
    ifd0_at = 8
    gps_at = ifd0_at + 2 + 12 + 4 if gps_offset is None else gps_offset
    ifd0 = struct.pack(">H", 1) + struct.pack(">HHII", GPS_IFD_TAG, 4, 1, gps_at)
    ifd0 += struct.pack(">I", next_ifd)
    data_at = ifd0_at + len(ifd0) + 2 + 12 * len(gps) + 4
    table, data = b"", b""
    for tag, kind, count, value in gps:
        if len(value) <= 4:
            table += struct.pack(">HHI", tag, kind, count % 2**32) + value.ljust(4, b"\x00")
        else:
            table += struct.pack(">HHII", tag, kind, count % 2**32, data_at + len(data))
            data += value
    gps_ifd = struct.pack(">H", len(gps)) + table + struct.pack(">I", next_ifd)
    return b"MM\x00\x2a" + struct.pack(">I", ifd0_at) + ifd0 + gps_ifd + data


def jpeg_with_exif(tiff: bytes) -> bytes:
    """A valid tiny JPEG whose APP1 segment carries `tiff` as its EXIF block."""
    plain = save_photo(Image.new("RGB", (16, 16), (90, 140, 60)), "JPEG")
    body = b"Exif\x00\x00" + tiff
    segment = b"\xff\xe1" + struct.pack(">H", min(len(body) + 2, 0xFFFF)) + body[:0xFFFD]
    return plain[:2] + segment + plain[2:]


def seed_files() -> list[Path]:
    """The corpus files themselves (for atheris, which wants a folder of seeds)."""
    return sorted(exif_samples_dir().glob("jpg/**/*.jpg"))
