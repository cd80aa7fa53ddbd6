"""Turning any PIL image into the 8-bit RGB pixels the network was trained on.

Both backends use this, so an odd image (16-bit, CMYK, transparent, truncated)
is handled the same way whichever one runs.
"""

from typing import TYPE_CHECKING

from .errors import ImageError

if TYPE_CHECKING:
    import numpy as np
    from PIL.Image import Image

# Transparent pixels are painted in the grey the letterbox pads with: the
# network has learnt that this grey is "nothing here".
BACKGROUND = (114, 114, 114)

_SIXTEEN_BIT = ("I;16", "I;16B", "I;16L", "I;16N", "I")  # "I" is how PIL opens some 16-bit PNGs
_HAS_ALPHA = ("RGBA", "RGBa", "LA", "La", "PA")


def rgb_pixels(image: "Image") -> "np.ndarray":
    """The image as a (height, width, 3) uint8 RGB array.

    Raises ImageError, with a message for people, for an image that has no
    pixels, cannot be decoded (a truncated file) or has no sensible RGB form.
    """
    import numpy as np

    if image.width < 1 or image.height < 1:
        raise ImageError(f"The image has no pixels ({image.width}x{image.height})")
    try:
        rgb = _to_rgb(image)
    except (OSError, ValueError) as exc:  # truncated data, unknown raw mode, ...
        raise ImageError(f"The image cannot be read as RGB ({image.mode}): {exc}") from exc
    return np.asarray(rgb)


def _to_rgb(image: "Image") -> "Image":
    from PIL import Image

    if image.mode in _SIXTEEN_BIT:
        return _eight_bit_grey(image).convert("RGB")
    if image.mode == "F":
        raise ImageError("32-bit floating-point images are not supported; save it as 8-bit")
    if image.mode in _HAS_ALPHA or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", image.size, BACKGROUND)
        background.paste(rgba, mask=rgba.getchannel("A"))  # blend by opacity
        return background
    # convert() knows CMYK, YCbCr, LAB, HSV, greyscale, 1-bit and palettes.
    return image.convert("RGB")


def _eight_bit_grey(image: "Image") -> "Image":
    """Scale 16-bit grey (0..65535) down to 8 bits; convert("L") would clip it instead."""
    import numpy as np
    from PIL import Image

    values = np.asarray(image, dtype=np.float32)
    return Image.fromarray((values.clip(0, 65535) / 257).round().astype(np.uint8), "L")
