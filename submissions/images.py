"""Check an uploaded photo, and make the copies we serve from it.

Two steps, in two places: the upload request checks the photo completely
(check_upload), so a bad one is refused at once; the worker makes the EXIF-free
copies (served_copies_make), as encoding them costs more than the rest of the
request together. Both decode the same way, so a photo the first accepts, the
second can serve.

Everything here works on bytes and Pillow images; it knows nothing of storage
or the database, so a refused upload has touched neither.
"""

import contextlib
import io
import warnings
from dataclasses import dataclass
from pathlib import PurePath
from typing import Protocol

import pillow_heif
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

# Pillow cannot read HEIC, the iPhone's default format; pillow-heif plugs it into
# Image.open for the whole process. Registered here, in the one module that opens
# uploads, so every caller of these checks gets the same formats.
pillow_heif.register_heif_opener()

EXTENSIONS_BY_FORMAT = {
    "JPEG": (".jpg", ".jpeg"),
    "PNG": (".png",),
    "WEBP": (".webp",),
    "HEIF": (".heic", ".heif"),  # pillow-heif names HEIC (HEVC in a HEIF box) "HEIF" too
}
EXTENSIONS = tuple(name for names in EXTENSIONS_BY_FORMAT.values() for name in names)
ACCEPTED = "JPEG, PNG, WebP or HEIC"
THUMBNAIL_SIZE = (480, 480)
SERVED_QUALITY = 90


class ImageRejected(Exception):
    """The upload is not a photo we accept; ``message`` says why in plain words."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class CheckedUpload:
    original: bytes
    extension: str  # as the file is stored: ".jpg", ".heic" ...
    width: int  # upright, as the served copy will be
    height: int


@dataclass(frozen=True)
class ServedCopies:
    served: bytes  # JPEG, upright, full size
    thumbnail: bytes  # JPEG, at most THUMBNAIL_SIZE


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def read_upload(upload: Readable, size: int, *, max_bytes: int) -> bytes:
    """Read an upload into memory, refusing an empty or oversized one first."""
    if size == 0:
        raise ImageRejected("The file is empty.")
    if size > max_bytes:
        raise ImageRejected(
            f"The file is {_megabytes(size)}; the limit is {_megabytes(max_bytes)}.",
            status=413,
        )
    return upload.read()


def check_upload(data: bytes, filename: str, *, max_pixels: int) -> CheckedUpload:
    """Validate a photo completely: its name, its format and every pixel of it."""
    extension = _check_name(filename)
    image = _decode(data, extension, max_pixels)
    width, height = _upright_size(image)
    return CheckedUpload(original=data, extension=extension, width=width, height=height)


def served_copies_make(original: bytes, extension: str, *, max_pixels: int) -> ServedCopies:
    """The upright, EXIF-free JPEG copies of a photo check_upload accepted."""
    image = _upright_rgb(_decode(original, extension, max_pixels))
    served = _encode_jpeg(image)
    # Shrunk in place, as the full-size copy is encoded already: a copy of the decoded
    # photo costs as much as a tenth of the whole upload.
    image.thumbnail(THUMBNAIL_SIZE)
    return ServedCopies(served=served, thumbnail=_encode_jpeg(image))


def _check_name(filename: str) -> str:
    extension = PurePath(filename).suffix.lower()
    if extension not in EXTENSIONS:
        raise ImageRejected(
            f"Only {ACCEPTED} photos are accepted; {filename!r} does not end in "
            f"{', '.join(EXTENSIONS[:-1])} or {EXTENSIONS[-1]}.",
            status=415,
        )
    return extension


def _decode(data: bytes, extension: str, max_pixels: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own limit; we refuse at ours.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise ImageRejected("The image has too many pixels to process.", 413) from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ImageRejected(f"The file is not a {ACCEPTED} image.", 415) from None
    _check_format(image, extension)
    _check_pixels(image, max_pixels)
    try:
        image.load()  # pillow-heif raises EOFError or RuntimeError for some damaged HEICs
    except (OSError, SyntaxError, ValueError, EOFError, RuntimeError, Image.DecompressionBombError):
        raise ImageRejected("The image data is damaged or incomplete.") from None
    return image


def _check_format(image: Image.Image, extension: str) -> None:
    if image.format not in EXTENSIONS_BY_FORMAT:
        raise ImageRejected(f"The file is a {image.format} image, not {ACCEPTED}.", 415)
    if extension not in EXTENSIONS_BY_FORMAT[image.format]:
        raise ImageRejected(
            f"The file is a {image.format} image but its name ends in {extension}.", 415
        )


def _check_pixels(image: Image.Image, max_pixels: int) -> None:
    # Checked before decoding, so a small file that unpacks into gigabytes
    # (a decompression bomb) is refused without using the memory.
    if image.width * image.height > max_pixels:
        raise ImageRejected(
            f"The image is {image.width}×{image.height} pixels; the limit is "
            f"{max_pixels / 1e6:g} megapixels.",
            status=413,
        )


def _upright_size(image: Image.Image) -> tuple[int, int]:
    # The size _upright_rgb will give, without turning the pixels. (A HEIC says
    # Orientation 1 here: pillow-heif has turned it already, see _upright_rgb.)
    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # unreadable EXIF: _upright_rgb leaves the photo as stored too
        orientation = 1
    turned = orientation in {5, 6, 7, 8}  # the four that swap width and height
    return (image.height, image.width) if turned else (image.width, image.height)


def _upright_rgb(image: Image.Image) -> Image.Image:
    # Turned in place (the image is ours, just decoded), never copied without need.
    # A HEIC is already upright here: libheif applies its irot/imir boxes while decoding,
    # and pillow-heif then sets the EXIF Orientation to 1, so this turns it no further.
    # An Orientation that cannot be read leaves the photo as it was stored.
    with contextlib.suppress(Exception):
        ImageOps.exif_transpose(image, in_place=True)
    if image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def _encode_jpeg(image: Image.Image) -> bytes:
    # A fresh JPEG with no EXIF or XMP: the served copy never reveals where
    # the photo was taken, whatever the original carried.
    image.info.clear()
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=SERVED_QUALITY, optimize=True)
    return buffer.getvalue()


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"
