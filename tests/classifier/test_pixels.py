"""Odd images become 8-bit RGB, or are refused with a message; nothing crashes."""

import io

import numpy as np
import pytest
from PIL import Image

from classifier import ImageError
from classifier.pixels import BACKGROUND, rgb_pixels


def test_rgb_passes_through() -> None:
    pixels = rgb_pixels(Image.new("RGB", (3, 2), (10, 20, 30)))
    assert pixels.shape == (2, 3, 3)
    assert pixels.dtype == np.uint8
    assert (pixels == (10, 20, 30)).all()


def test_sixteen_bit_grey_is_scaled_not_clipped() -> None:
    # convert("RGB") would clip everything above 255 to white.
    values = np.array([[0, 257 * 128, 65535]], dtype=np.uint16)
    image = Image.fromarray(values)
    assert image.mode == "I;16"
    pixels = rgb_pixels(image)
    assert pixels[0, :, 0].tolist() == [0, 128, 255]
    assert (pixels[..., 0] == pixels[..., 2]).all()  # grey stays grey


def test_thirty_two_bit_integer_grey_is_treated_as_sixteen_bit() -> None:
    image = Image.fromarray(np.array([[65535, 257 * 10]], dtype=np.int32))
    assert image.mode == "I"
    assert rgb_pixels(image)[0, :, 0].tolist() == [255, 10]


def test_cmyk_is_converted() -> None:
    pixels = rgb_pixels(Image.new("CMYK", (2, 2), (0, 255, 255, 0)))  # full magenta + yellow
    assert pixels[0, 0].tolist() == [255, 0, 0]


@pytest.mark.parametrize("mode", ["RGBA", "LA"])
def test_transparent_pixels_become_background_grey(mode: str) -> None:
    # Fully transparent pixels often hold junk colours; the network should not see them.
    image = Image.new("RGBA", (2, 1), (255, 0, 255, 0))
    image.putpixel((1, 0), (0, 0, 0, 255))  # one opaque black pixel
    pixels = rgb_pixels(image.convert(mode))
    assert pixels[0, 0].tolist() == list(BACKGROUND)
    assert pixels[0, 1].tolist() == [0, 0, 0]


def test_palette_with_transparency() -> None:
    image = Image.new("P", (1, 1), 0)
    image.putpalette([255, 0, 0] * 256)
    image.info["transparency"] = 0
    assert rgb_pixels(image)[0, 0].tolist() == list(BACKGROUND)


def test_float_images_are_refused() -> None:
    with pytest.raises(ImageError, match="floating-point"):
        rgb_pixels(Image.new("F", (2, 2)))


def test_empty_image_is_refused() -> None:
    with pytest.raises(ImageError, match="no pixels"):
        rgb_pixels(Image.new("RGB", (0, 3)))


def test_truncated_file_is_refused() -> None:
    noise = np.random.default_rng(0).integers(0, 256, size=(200, 200, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, "JPEG")
    data = buffer.getvalue()
    truncated = Image.open(io.BytesIO(data[: len(data) // 2]))  # the header alone still opens
    with pytest.raises(ImageError, match="cannot be read"):
        rgb_pixels(truncated)
