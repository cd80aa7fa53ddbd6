"""Small real JPEGs with a GPS position in their EXIF, made in code for the uploads.

A phone photo shrunk to 800 × 600: a sky-to-grass gradient with noise on top, so that
it compresses like a photo (about 80 KB), not like a flat colour (2 KB). The
position is written the way cameras write it: degrees, minutes and seconds as
rationals in the GPS IFD, with N/S and E/W references.
"""

import io
import random

from PIL import Image

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
DATE_TIME_ORIGINAL = 0x9003
SIZE = (800, 600)


def photo_jpeg(*, lat: float, lon: float, seed: int) -> bytes:
    """One 800 × 600 JPEG taken at (lat, lon); the seed picks its pixels."""
    rng = random.Random(seed)
    sky = Image.linear_gradient("L").resize(SIZE).convert("RGB")
    tint = Image.new("RGB", SIZE, (rng.randrange(40, 120), rng.randrange(90, 170), 60))
    noise = Image.effect_noise(SIZE, rng.uniform(20, 60)).convert("RGB")
    picture = Image.blend(Image.blend(sky, tint, 0.5), noise, 0.3)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85, exif=_gps_exif(lat, lon).tobytes())
    return buffer.getvalue()


def photo_set(count: int, *, seed: int = 0) -> list[bytes]:
    """`count` photos at places spread over the inhabited latitudes, made once per process."""
    rng = random.Random(seed)
    return [
        photo_jpeg(lat=rng.uniform(-55, 70), lon=rng.uniform(-179, 179), seed=number)
        for number in range(count)
    ]


def _gps_exif(lat: float, lon: float) -> Image.Exif:
    exif = Image.Exif()
    exif.get_ifd(EXIF_IFD)[DATE_TIME_ORIGINAL] = "2024:05:17 08:30:00"
    exif.get_ifd(GPS_IFD).update(
        {1: "N" if lat >= 0 else "S", 2: _dms(lat), 3: "E" if lon >= 0 else "W", 4: _dms(lon)}
    )
    return exif


def _dms(degrees: float) -> tuple[float, float, float]:
    whole, rest = divmod(abs(degrees), 1)
    minutes, rest = divmod(rest * 60, 1)
    return (whole, minutes, round(rest * 60, 4))
