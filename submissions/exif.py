"""Read where and when a photo was taken from its EXIF block.

JPEG, PNG, WebP and HEIC/HEIF files are read. Only what the file itself records comes
back: a missing, placeholder or nonsensical value becomes None, never a guess. Malformed
EXIF never raises, because a photo with broken metadata is still a photo, just one
without a place or a time.
"""

import io
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction
from typing import Any, BinaryIO

import exifread
import pillow_heif
from PIL import Image

logger = logging.getLogger(__name__)

# exifread's answer: "IFD TagName" (e.g. "GPS GPSLatitude") -> a tag whose .values we read.
type Tags = dict[str, Any]

# Deeper than the Mariana Trench or higher than weather balloons fly is a garbled value.
LOWEST_ALTITUDE_M = -11_000.0
HIGHEST_ALTITUDE_M = 50_000.0
# A GPS error radius over 100 km is no fix at all; a phone without one writes no position.
WORST_ACCURACY_M = 100_000.0
# GPSHPositioningError (tag 0x1F, EXIF 2.31): exifread 3.5 has no name for it, so uses its number.
ACCURACY_TAG = "GPS Tag 0x001F"

# Each capture-time tag with the tag holding its UTC offset (EXIF 2.31), best first:
# when the shutter fired, when the image was digitised, when the file was last written.
TIME_TAGS = (
    ("EXIF DateTimeOriginal", "EXIF OffsetTimeOriginal"),
    ("EXIF DateTimeDigitized", "EXIF OffsetTimeDigitized"),
    ("Image DateTime", "EXIF OffsetTime"),
)

OFFSET = re.compile(r"([+-])(\d\d):(\d\d)")


@dataclass(frozen=True)
class PhotoMetadata:
    """Where and when a photo was taken; None wherever the file does not say."""

    latitude: float | None  # WGS-84 degrees, north positive
    longitude: float | None  # WGS-84 degrees, east positive
    altitude_m: float | None  # metres above sea level, negative below it
    captured_at: datetime | None  # always timezone-aware
    horizontal_accuracy_m: float | None = None  # GPS error radius in metres, if the file says


def read_metadata(data: bytes | BinaryIO) -> PhotoMetadata:
    """Read position, altitude, accuracy and capture time from a JPEG, PNG, WebP or HEIC.

    A stream is read from its start and left at an arbitrary position.
    """
    tags = _read_tags(io.BytesIO(data) if isinstance(data, bytes) else data)
    position = _safely(_position, tags)
    latitude, longitude = position or (None, None)
    # Without a fix, altitude and accuracy are most likely defaults like the missing position.
    altitude = _safely(_altitude, tags) if position else None
    accuracy = _safely(_accuracy, tags) if position else None
    return PhotoMetadata(latitude, longitude, altitude, _safely(_captured_at, tags), accuracy)


def _read_tags(stream: BinaryIO) -> Tags:
    """Every EXIF tag exifread can find, or {} when there are none or they cannot be read."""
    try:
        return exifread.process_file(_exif_source(stream), details=False, extract_thumbnail=False)
    except Exception as error:  # exifread is not hardened against hostile files
        logger.warning("EXIF unreadable (%s: %s); no position or time", type(error).__name__, error)
        return {}


def _exif_source(stream: BinaryIO) -> BinaryIO:
    """The stream for exifread: the file itself, or for WebP and HEIF just its TIFF block.

    exifread 3.5 misreads both containers. It expects a WebP EXIF chunk to start with
    "Exif\\0\\0", but the WebP spec, libwebp and Pillow write the bare TIFF block; and its
    HEIF reader stops at an `assert` on files libheif writes (a check that `python -O`
    would even skip). So Pillow or pillow-heif finds the block, without decoding any
    pixels, and exifread parses the TIFF block the same way for every format.
    """
    stream.seek(0)
    header = stream.read(12)
    stream.seek(0)
    exif: bytes | None
    if header[:4] == b"RIFF" and header[8:12] == b"WEBP":
        with Image.open(stream) as image:
            exif = image.info.get("exif")
    elif pillow_heif.is_supported(stream):
        # pillow-heif's own reader, so this works without Pillow's HEIF opener registered.
        exif = pillow_heif.open_heif(stream).info.get("exif")
    else:
        return stream
    return io.BytesIO((exif or b"").removeprefix(b"Exif\x00\x00"))


def _safely[T](read: Callable[[Tags], T | None], tags: Tags) -> T | None:
    """Run one reader; a surprise in one field must not cost us the others."""
    try:
        return read(tags)
    except Exception as error:
        logger.warning("EXIF %s unreadable (%s: %s)", read.__name__, type(error).__name__, error)
        return None


def _position(tags: Tags) -> tuple[float, float] | None:
    """(latitude, longitude) in decimal degrees, or None without a believable fix."""
    latitude = _coordinate(tags, "GPS GPSLatitude", {"N": 1, "S": -1})
    longitude = _coordinate(tags, "GPS GPSLongitude", {"E": 1, "W": -1})
    if latitude is None or longitude is None:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        logger.debug("GPS position %s, %s is off the globe; ignored", latitude, longitude)
        return None
    if latitude == 0 and longitude == 0:
        # Cameras and phones write exactly 0,0 when they had no fix. A real photo taken
        # at that spot in the Gulf of Guinea is far less likely than that default.
        logger.debug("GPS position 0, 0 is a no-fix default; ignored")
        return None
    return latitude, longitude


def _coordinate(tags: Tags, name: str, signs: dict[str, int]) -> float | None:
    """Signed decimal degrees from a degrees/minutes/seconds tag and its reference tag."""
    ref = (_text(tags, name + "Ref") or "").upper()
    dms = _numbers(tags, name)
    if ref not in signs or dms is None or len(dms) != 3:
        return None
    degrees, minutes, seconds = dms
    # The sign lives in the reference; a negative part or 75 minutes means a broken writer.
    if min(dms) < 0 or minutes >= 60 or seconds >= 60:
        logger.debug("%s %s is not degrees/minutes/seconds; ignored", name, dms)
        return None
    return signs[ref] * (degrees + minutes / 60 + seconds / 3600)


def _altitude(tags: Tags) -> float | None:
    """Metres above sea level (negative below), or None if absent or absurd."""
    numbers = _numbers(tags, "GPS GPSAltitude")
    # EXIF says a missing GPSAltitudeRef means 0, above sea level; 1 means below.
    ref = _numbers(tags, "GPS GPSAltitudeRef") if "GPS GPSAltitudeRef" in tags else [0.0]
    if numbers is None or len(numbers) != 1 or ref not in ([0.0], [1.0]):
        return None
    altitude = -numbers[0] if ref == [1.0] else numbers[0]
    return altitude if LOWEST_ALTITUDE_M <= altitude <= HIGHEST_ALTITUDE_M else None


def _accuracy(tags: Tags) -> float | None:
    """The horizontal error radius in metres, or None if absent, negative or absurd."""
    numbers = _numbers(tags, ACCURACY_TAG)
    if numbers is None or len(numbers) != 1:
        return None
    # No receiver is exact to 0 m, so a 0 is a placeholder, not a measurement.
    return numbers[0] if 0 < numbers[0] <= WORST_ACCURACY_M else None


def _captured_at(tags: Tags) -> datetime | None:
    """The first usable capture time in TIME_TAGS, in the zone its offset tag gives."""
    for time_tag, offset_tag in TIME_TAGS:
        local = _local_time(_text(tags, time_tag))
        if local is not None:
            return local.replace(tzinfo=_zone(_text(tags, offset_tag)))
    return None


def _local_time(text: str | None) -> datetime | None:
    """A naive datetime from "YYYY:MM:DD HH:MM:SS"; None for blanks, zeros and garbage."""
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y:%m:%d %H:%M:%S")
    except ValueError:  # "0000:00:00 00:00:00" fails here too: there is no year 0
        logger.debug("EXIF time %r is not a date; ignored", text)
        return None


def _zone(text: str | None) -> timezone:
    """The zone of an EXIF offset such as "+02:00"; UTC when absent or malformed.

    EXIF times are wall-clock times with no zone unless the camera also wrote an
    OffsetTime* tag (EXIF 2.31, 2016), which older cameras never do. We then read them
    as UTC: possibly off by the photographer's offset, but never a made-up zone.
    """
    match = OFFSET.fullmatch(text or "")
    if match is None or int(match[2]) > 14 or int(match[3]) >= 60:
        if text:
            logger.debug("EXIF offset %r is not +HH:MM; using UTC", text)
        return UTC
    offset = timedelta(hours=int(match[2]), minutes=int(match[3]))
    return timezone(-offset if match[1] == "-" else offset)


def _text(tags: Tags, name: str) -> str | None:
    """A text tag's value without padding, or None if absent or not text."""
    values = getattr(tags.get(name), "values", None)
    return values.replace("\x00", "").strip() if isinstance(values, str) else None


def _numbers(tags: Tags, name: str) -> list[float] | None:
    """A numeric tag's values as finite floats, or None if any of them is not one."""
    values = getattr(tags.get(name), "values", None)
    if not isinstance(values, list) or not values:
        return None
    numbers = []
    for value in values:
        number = _number(value)
        if number is None:
            return None
        numbers.append(number)
    return numbers


def _number(value: object) -> float | None:
    """A finite float from an EXIF rational or integer; None for x/0 and anything else."""
    if isinstance(value, Fraction):
        # exifread keeps x/0 as a ratio with denominator 0 instead of raising; float() would.
        if value.denominator == 0:
            return None
        number = float(value)
    elif isinstance(value, int):
        number = float(value)
    else:
        return None
    return number if math.isfinite(number) else None
