"""Uploads we refuse, and the copies we serve. No database needed."""

import io

import pytest
from PIL import Image

from submissions.exif import read_metadata
from submissions.images import (
    CheckedUpload,
    ImageRejected,
    ServedCopies,
    check_upload,
    read_upload,
    served_copies_make,
)
from tests.conftest import metadata_segments, save_photo

MAX_PIXELS = 50_000_000


def check(data: bytes, name: str = "photo.jpg", max_pixels: int = MAX_PIXELS) -> CheckedUpload:
    return check_upload(data, name, max_pixels=max_pixels)


def served(data: bytes, name: str = "photo.jpg") -> tuple[CheckedUpload, ServedCopies]:
    """What the upload request checks, then what the worker makes of it."""
    checked = check(data, name)
    copies = served_copies_make(checked.original, checked.extension, max_pixels=MAX_PIXELS)
    return checked, copies


def rejection(data: bytes, name: str = "photo.jpg", max_pixels: int = MAX_PIXELS) -> ImageRejected:
    with pytest.raises(ImageRejected) as caught:
        check(data, name, max_pixels)
    return caught.value


def test_empty_upload_is_refused():
    with pytest.raises(ImageRejected, match="empty"):
        read_upload(io.BytesIO(b""), 0, max_bytes=100)


def test_upload_over_the_size_cap_is_refused_before_reading():
    with pytest.raises(ImageRejected, match=r"limit is 0\.0 MB") as caught:
        read_upload(io.BytesIO(b"x" * 200), 200, max_bytes=100)
    assert caught.value.status == 413


def test_text_file_is_not_an_image():
    refused = rejection(b"hello, I am not a photo", "photo.jpg")
    assert refused.status == 415
    assert "not a JPEG, PNG, WebP or HEIC image" in refused.message


@pytest.mark.parametrize("name", ["photo.gif", "photo", "photo.jpg.exe"])
def test_unaccepted_extension(make_photo, name):
    assert "does not end in" in rejection(make_photo(), name).message


@pytest.mark.parametrize(
    ("format", "name", "message"),
    [
        ("PNG", "photo.jpg", "The file is a PNG image but its name ends in .jpg."),
        ("HEIF", "photo.jpg", "The file is a HEIF image but its name ends in .jpg."),
        ("JPEG", "photo.heic", "The file is a JPEG image but its name ends in .heic."),
    ],
)
def test_extension_must_match_the_content(make_photo, format, name, message):
    refused = rejection(make_photo(format=format), name)
    assert (refused.status, refused.message) == (415, message)


def test_other_image_formats_are_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    assert "GIF image" in rejection(buffer.getvalue(), "photo.gif.jpg").message


@pytest.mark.parametrize(("format", "name"), [("JPEG", "photo.jpg"), ("HEIF", "photo.heic")])
def test_truncated_photo_is_refused(format, name):
    # Noise, so the HEVC data is large and the cut lands in the pixels, not the header.
    noise = Image.effect_noise((800, 600), 64).convert("RGB")
    data = save_photo(noise, format)
    assert "damaged or incomplete" in rejection(data[: len(data) // 2], name).message


def test_too_many_pixels_is_refused_before_decoding(make_photo):
    refused = rejection(make_photo(size=(1000, 1000)), max_pixels=999_999)
    assert refused.status == 413
    assert "1000×1000 pixels" in refused.message


def test_decompression_bomb_is_refused():
    # A 30000×30000 PNG of one colour packs into a few hundred kB.
    buffer = io.BytesIO()
    Image.new("1", (30_000, 30_000)).save(buffer, format="PNG")
    assert rejection(buffer.getvalue(), "bomb.png").status == 413


@pytest.mark.parametrize(
    ("format", "name"),
    [
        ("JPEG", "a.JPG"),
        ("PNG", "a.png"),
        ("WEBP", "a.webp"),
        ("HEIF", "a.heic"),
        ("HEIF", "a.HEIF"),
    ],
)
def test_accepted_formats_give_a_metadata_free_jpeg(make_photo, format, name):
    original = make_photo(format=format, gps=(43.5, 11.9))
    assert read_metadata(original).latitude == pytest.approx(43.5)  # there is GPS to leak
    checked, copies = served(original, name)
    image = Image.open(io.BytesIO(copies.served))
    assert image.format == "JPEG" and image.mode == "RGB"
    assert (checked.width, checked.height) == image.size == (640, 480)
    assert Image.open(io.BytesIO(copies.thumbnail)).size == (480, 360)
    # No EXIF, no XMP, no block of any kind that could hold a position (see also test_corpus).
    assert metadata_segments(copies.served) == metadata_segments(copies.thumbnail) == []


@pytest.mark.parametrize(("format", "name"), [("JPEG", "photo.jpg"), ("HEIF", "photo.heic")])
def test_orientation_is_applied_once(format, name):
    # Stored sideways, red on the left, with EXIF Orientation 6 (turn 90° clockwise to
    # show). pillow-heif writes that as the HEIF irot box too, as an iPhone does.
    sideways = Image.new("RGB", (400, 200), "blue")
    sideways.paste("red", (0, 0, 200, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    checked, copies = served(save_photo(sideways, format, exif=exif.tobytes()), name)
    image = Image.open(io.BytesIO(copies.served))
    # Turned once, clockwise: portrait, red on top. Twice or never would be landscape.
    # The upload's check says so before anything is turned.
    assert image.size == (checked.width, checked.height) == (200, 400)
    red, _, blue = image.getpixel((100, 50))
    assert red > 200 and blue < 60
    red, _, blue = image.getpixel((100, 350))
    assert red < 60 and blue > 200


def test_transparent_png_is_flattened_on_white():
    buffer = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(buffer, format="PNG")
    _, copies = served(buffer.getvalue(), "clear.png")
    image = Image.open(io.BytesIO(copies.served))
    assert image.mode == "RGB"
    assert min(image.getpixel((10, 10))) > 240
