"""submissions.exif.read_metadata against real camera files and against EXIF built in code."""

import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PIL.ExifTags import GPS, IFD, Base
from PIL.TiffImagePlugin import IFDRational

from submissions.exif import PhotoMetadata, read_metadata
from tests.conftest import save_photo

NOTHING = PhotoMetadata(latitude=None, longitude=None, altitude_m=None, captured_at=None)

# Rio de Janeiro, 22°54'30"S 43°11'47"W: both hemispheres that make a coordinate negative.
RIO = {
    GPS.GPSLatitudeRef: "S",
    GPS.GPSLatitude: (22.0, 54.0, 30.0),
    GPS.GPSLongitudeRef: "W",
    GPS.GPSLongitude: (43.0, 11.0, 47.0),
}
RIO_LATITUDE = -(22 + 54 / 60 + 30 / 3600)
RIO_LONGITUDE = -(43 + 11 / 60 + 47 / 3600)


def photo(
    fmt: str = "JPEG", gps: dict[int, Any] | None = None, orientation: int = 0, **exif: str
) -> bytes:
    """A tiny image in `fmt` with these GPS entries and Exif-IFD entries (by tag name)."""
    tags = Image.Exif()
    if orientation:
        tags[Base.Orientation] = orientation
    tags.get_ifd(IFD.GPSInfo).update(gps or {})
    tags.get_ifd(IFD.Exif).update({Base[name]: value for name, value in exif.items()})
    return save_photo(Image.new("RGB", (8, 8), "olive"), fmt, exif=tags.tobytes())


def with_exif_header(webp: bytes) -> bytes:
    """The same WebP with "Exif\\0\\0" before its TIFF block, as some writers put it."""
    at = webp.index(b"EXIF")
    size = int.from_bytes(webp[at + 4 : at + 8], "little")
    tiff = webp[at + 8 : at + 8 + size]
    chunk = b"EXIF" + (size + 6).to_bytes(4, "little") + b"Exif\x00\x00" + tiff
    body = b"WEBP" + webp[12:at] + chunk + webp[at + 8 + size :]
    return b"RIFF" + len(body).to_bytes(4, "little") + body


# --- The real-camera corpus (see tests/map/conftest.py for where it is found) ---


def test_corpus_position(exif_samples: Path, gps_case: tuple[str, dict[str, float] | None]) -> None:
    name, expected = gps_case
    metadata = read_metadata((exif_samples / name).read_bytes())
    if expected is None:
        assert (metadata.latitude, metadata.longitude) == (None, None)
    else:
        assert metadata.latitude == pytest.approx(expected["lat"], abs=1e-5)
        assert metadata.longitude == pytest.approx(expected["lon"], abs=1e-5)


def test_corpus_file_never_raises(exif_samples: Path, corpus_jpeg: Path) -> None:
    # Includes invalid/ and corrupted.jpg. A file object must give what its bytes give.
    with corpus_jpeg.open("rb") as stream:
        assert read_metadata(stream) == read_metadata(corpus_jpeg.read_bytes())


def test_corpus_capture_time_has_no_zone_so_is_utc(exif_samples: Path) -> None:
    metadata = read_metadata((exif_samples / "jpg/gps/DSCN0010.jpg").read_bytes())
    assert metadata.captured_at == datetime(2008, 10, 22, 16, 28, 39, tzinfo=UTC)
    assert metadata.altitude_m is None  # GPSAltitudeRef is there, GPSAltitude is not


def test_corpus_prefers_original_time_over_file_time(exif_samples: Path) -> None:
    # This Canon file was re-saved by GIMP on 2008-07-31, which is its Image DateTime.
    metadata = read_metadata((exif_samples / "jpg/Canon_40D.jpg").read_bytes())
    assert metadata.captured_at == datetime(2008, 5, 30, 15, 56, 1, tzinfo=UTC)


def test_corpus_trail_camera_without_time(exif_samples: Path) -> None:
    data = (exif_samples / "jpg/Reconyx_HC500_Hyperfire.jpg").read_bytes()
    assert read_metadata(data) == NOTHING


def test_damaged_exif_never_raises(exif_samples: Path) -> None:
    # Seeded, so a failure reproduces: flip bytes and cut the file inside its EXIF block.
    original = (exif_samples / "jpg/gps/DSCN0010.jpg").read_bytes()
    exif_end = 12_000  # the APP1 segment holding the EXIF is the first 11,262 bytes
    rng = random.Random(2008)
    for _ in range(300):
        damaged = bytearray(original[:exif_end])
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(2, exif_end)] = rng.randrange(256)
        assert isinstance(read_metadata(bytes(damaged)), PhotoMetadata)
    for cut in range(0, exif_end, 97):
        assert isinstance(read_metadata(original[:cut]), PhotoMetadata)


# --- EXIF built in code, one rule at a time ---


def test_southern_and_western_hemispheres_are_negative() -> None:
    metadata = read_metadata(photo(gps=RIO))
    assert metadata.latitude == pytest.approx(RIO_LATITUDE, abs=1e-9)
    assert metadata.longitude == pytest.approx(RIO_LONGITUDE, abs=1e-9)


def test_altitude_below_sea_level() -> None:
    dead_sea = RIO | {GPS.GPSAltitudeRef: b"\x01", GPS.GPSAltitude: IFDRational(430)}
    assert read_metadata(photo(gps=dead_sea)).altitude_m == -430.0


def test_altitude_without_ref_is_above_sea_level() -> None:
    assert read_metadata(photo(gps=RIO | {GPS.GPSAltitude: IFDRational(25, 2)})).altitude_m == 12.5


def test_absurd_altitude_is_dropped_but_position_kept() -> None:
    metadata = read_metadata(photo(gps=RIO | {GPS.GPSAltitude: IFDRational(4_000_000_000)}))
    assert (metadata.latitude, metadata.altitude_m) == (pytest.approx(RIO_LATITUDE), None)


@pytest.mark.parametrize(
    "gps",
    [
        pytest.param(
            {**RIO, GPS.GPSLatitude: (IFDRational(22, 0), 54.0, 30.0)}, id="zero-denominator"
        ),
        pytest.param({**RIO, GPS.GPSLatitude: (91.0, 0.0, 0.0)}, id="latitude-91"),
        pytest.param({**RIO, GPS.GPSLongitude: (181.0, 0.0, 0.0)}, id="longitude-181"),
        pytest.param({**RIO, GPS.GPSLatitude: (22.0, 75.0, 0.0)}, id="75-minutes"),
        pytest.param({**RIO, GPS.GPSLatitude: (22.0, 54.0)}, id="no-seconds"),
        pytest.param({**RIO, GPS.GPSLatitudeRef: "X"}, id="unknown-ref"),
        pytest.param({k: v for k, v in RIO.items() if k != GPS.GPSLongitudeRef}, id="missing-ref"),
        pytest.param({k: v for k, v in RIO.items() if k != GPS.GPSLatitude}, id="missing-latitude"),
        pytest.param(
            {**RIO, GPS.GPSLatitude: (0.0, 0.0, 0.0), GPS.GPSLongitude: (0.0, 0.0, 0.0)},
            id="null-island-0-0",
        ),
    ],
)
def test_unusable_position_gives_none(gps: dict[int, Any]) -> None:
    altitude = {GPS.GPSAltitudeRef: b"\x00", GPS.GPSAltitude: IFDRational(0)}
    metadata = read_metadata(photo(gps=gps | altitude))
    assert (metadata.latitude, metadata.longitude, metadata.altitude_m) == (None, None, None)


def test_offset_time_gives_the_zone() -> None:
    data = photo(DateTimeOriginal="2024:05:01 07:30:00", OffsetTimeOriginal="+02:00")
    captured_at = read_metadata(data).captured_at
    assert captured_at == datetime(2024, 5, 1, 5, 30, tzinfo=UTC)
    assert captured_at is not None and captured_at.utcoffset() == timedelta(hours=2)


def test_negative_half_hour_offset() -> None:
    data = photo(DateTimeOriginal="2024:05:01 07:30:00", OffsetTimeOriginal="-03:30")
    zone = timezone(-timedelta(hours=3, minutes=30))
    assert read_metadata(data).captured_at == datetime(2024, 5, 1, 7, 30, tzinfo=zone)


def test_malformed_offset_falls_back_to_utc() -> None:
    data = photo(DateTimeOriginal="2024:05:01 07:30:00", OffsetTimeOriginal="  :  ")
    assert read_metadata(data).captured_at == datetime(2024, 5, 1, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["0000:00:00 00:00:00", "    :  :     :  :  ", "yesterday"])
def test_placeholder_time_gives_none(text: str) -> None:
    assert read_metadata(photo(DateTimeOriginal=text)).captured_at is None


def test_digitized_time_stands_in_for_a_placeholder_original() -> None:
    data = photo(DateTimeOriginal="0000:00:00 00:00:00", DateTimeDigitized="2024:05:01 07:30:00")
    assert read_metadata(data).captured_at == datetime(2024, 5, 1, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "HEIF"])
def test_other_formats(fmt: str) -> None:
    metadata = read_metadata(photo(fmt, gps=RIO, DateTimeOriginal="2024:05:01 07:30:00"))
    assert metadata.latitude == pytest.approx(RIO_LATITUDE)
    assert metadata.longitude == pytest.approx(RIO_LONGITUDE)
    assert metadata.captured_at == datetime(2024, 5, 1, 7, 30, tzinfo=UTC)


def test_webp_with_exif_header() -> None:
    data = with_exif_header(photo("WEBP", gps=RIO))
    assert read_metadata(data).latitude == pytest.approx(RIO_LATITUDE)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_no_exif_at_all(fmt: str) -> None:
    assert read_metadata(save_photo(Image.new("RGB", (8, 8)), fmt)) == NOTHING


# --- HEIC, the iPhone's format ---


def test_heic_as_a_phone_writes_it() -> None:
    # Position, altitude, accuracy and a zoned time, with the picture stored sideways:
    # the orientation changes how it is shown, never where or when it was taken.
    gps = RIO | {GPS.GPSAltitude: IFDRational(25, 2), GPS.GPSHPositioningError: IFDRational(47, 10)}
    time = {"DateTimeOriginal": "2024:05:01 07:30:00", "OffsetTimeOriginal": "-03:00"}
    metadata = read_metadata(photo("HEIF", gps=gps, orientation=6, **time))
    assert metadata.latitude == pytest.approx(RIO_LATITUDE, abs=1e-9)
    assert metadata.longitude == pytest.approx(RIO_LONGITUDE, abs=1e-9)
    assert (metadata.altitude_m, metadata.horizontal_accuracy_m) == (12.5, 4.7)
    assert metadata.captured_at == datetime(2024, 5, 1, 10, 30, tzinfo=UTC)


def test_cut_heic_never_raises() -> None:
    data = photo("HEIF", gps=RIO, DateTimeOriginal="2024:05:01 07:30:00")
    for cut in range(0, len(data), 23):
        assert isinstance(read_metadata(data[:cut]), PhotoMetadata)


# --- Horizontal accuracy (GPSHPositioningError) ---

# Pillow writes this tag only as an unsigned RATIONAL. To test what other writers put
# there, accuracy_photo patches Pillow's bytes (big-endian TIFF): the tag's entry (tag,
# type, count) and the value it points to, 12347/100.
ACCURACY_ENTRY = bytes.fromhex("001f 0005 00000001")
ACCURACY_VALUE = bytes.fromhex("0000303b 00000064")


def accuracy_photo(entry: bytes = ACCURACY_ENTRY, value: bytes = ACCURACY_VALUE) -> bytes:
    data = photo(gps=RIO | {GPS.GPSHPositioningError: IFDRational(12347, 100)})
    assert data.count(ACCURACY_ENTRY) == data.count(ACCURACY_VALUE) == 1
    return data.replace(ACCURACY_ENTRY, entry).replace(ACCURACY_VALUE, value)


def test_accuracy_in_metres() -> None:
    assert read_metadata(accuracy_photo()).horizontal_accuracy_m == 123.47


def test_missing_accuracy_gives_none() -> None:
    assert read_metadata(photo(gps=RIO)).horizontal_accuracy_m is None


def test_accuracy_without_a_position_gives_none() -> None:
    data = photo(gps={GPS.GPSHPositioningError: IFDRational(5)})
    assert read_metadata(data).horizontal_accuracy_m is None


def test_negative_accuracy_gives_none() -> None:
    signed = accuracy_photo(bytes.fromhex("001f 000a 00000001"), bytes.fromhex("ffffcfc5 00000064"))
    assert read_metadata(signed).horizontal_accuracy_m is None


def test_text_accuracy_gives_none() -> None:
    text = accuracy_photo(bytes.fromhex("001f 0002 00000008"), b"5 metres")
    metadata = read_metadata(text)
    assert (metadata.latitude, metadata.horizontal_accuracy_m) == (
        pytest.approx(RIO_LATITUDE),
        None,
    )


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(IFDRational(0, 0), id="nan-0/0"),
        pytest.param(IFDRational(7, 0), id="zero-denominator"),
        pytest.param(IFDRational(0), id="zero"),
        pytest.param(IFDRational(100_001), id="over-100-km"),
    ],
)
def test_unusable_accuracy_gives_none(value: IFDRational) -> None:
    metadata = read_metadata(photo(gps=RIO | {GPS.GPSHPositioningError: value}))
    assert (metadata.latitude, metadata.horizontal_accuracy_m) == (
        pytest.approx(RIO_LATITUDE),
        None,
    )


def test_exifread_crash_is_caught() -> None:
    # exifread 3.5.1 raises IndexError when the Exif-IFD pointer (tag 0x8769, type LONG)
    # claims 536 million values instead of 1; fuzzing the corpus found this one.
    data = photo(gps=RIO, DateTimeOriginal="2024:05:01 07:30:00")
    pointer = b"\x87\x69\x00\x04\x00\x00\x00\x01"  # Pillow writes big-endian TIFF
    assert pointer in data
    assert read_metadata(data.replace(pointer, b"\x87\x69\x00\x04\x20\x00\x00\x01")) == NOTHING


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"not an image", id="text"),
        pytest.param(b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM", id="cut-jpeg"),
        pytest.param(b"RIFF\x10\x00\x00\x00WEBPVP8X", id="cut-webp"),  # Pillow raises here
    ],
)
def test_garbage_never_raises(data: bytes) -> None:
    assert read_metadata(data) == NOTHING
