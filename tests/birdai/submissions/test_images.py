"""Uploads we refuse, and the copies we serve. No database needed."""

import io

import pytest
from PIL import Image

from birdai.submissions.images import ImageRejected, prepare_upload, read_upload

MAX_PIXELS = 50_000_000


def prepare(data: bytes, name: str = "photo.jpg", max_pixels: int = MAX_PIXELS):
    return prepare_upload(data, name, max_pixels=max_pixels)


def rejection(data: bytes, name: str = "photo.jpg", max_pixels: int = MAX_PIXELS) -> ImageRejected:
    with pytest.raises(ImageRejected) as caught:
        prepare(data, name, max_pixels)
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
    assert "not a JPEG, PNG or WebP image" in refused.message


@pytest.mark.parametrize("name", ["photo.gif", "photo", "photo.jpg.exe"])
def test_unaccepted_extension(make_photo, name):
    assert "does not end in" in rejection(make_photo(), name).message


def test_extension_must_match_the_content(make_photo):
    refused = rejection(make_photo(format="PNG"), "photo.jpg")
    assert refused.message == "The file is a PNG image but its name ends in .jpg."


def test_other_image_formats_are_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    assert "GIF image" in rejection(buffer.getvalue(), "photo.gif.jpg").message


def test_truncated_jpeg_is_refused(make_photo):
    data = make_photo(size=(800, 600))
    assert "damaged or incomplete" in rejection(data[: len(data) // 2]).message


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
    ("format", "name"), [("JPEG", "a.JPG"), ("PNG", "a.png"), ("WEBP", "a.webp")]
)
def test_accepted_formats_give_an_exif_free_jpeg(make_photo, format, name):
    prepared = prepare(make_photo(format=format, gps=(43.5, 11.9)), name)
    served = Image.open(io.BytesIO(prepared.served))
    assert served.format == "JPEG"
    assert not served.getexif()
    assert "xmp" not in served.info and "exif" not in served.info
    assert (prepared.width, prepared.height) == served.size == (640, 480)
    thumb = Image.open(io.BytesIO(prepared.thumbnail))
    assert max(thumb.size) <= 480 and not thumb.getexif()


def test_orientation_is_applied_to_the_served_copy():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    buffer = io.BytesIO()
    Image.new("RGB", (400, 200)).save(buffer, format="JPEG", exif=exif)
    prepared = prepare(buffer.getvalue())
    assert (prepared.width, prepared.height) == (200, 400)


def test_transparent_png_is_flattened_on_white():
    buffer = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(buffer, format="PNG")
    served = Image.open(io.BytesIO(prepare(buffer.getvalue(), "clear.png").served))
    assert served.mode == "RGB"
    assert min(served.getpixel((10, 10))) > 240
