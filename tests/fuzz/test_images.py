"""check_upload on mutated photos: accepted or ImageRejected (4xx), nothing else; and
what it accepts, the worker can serve (served_copies_make)."""

import io

from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from submissions.images import CheckedUpload, ImageRejected, check_upload, served_copies_make
from tests.fuzz.seeds import corpus_seeds, photo_seeds
from tests.fuzz.strategies import hostile_exif_jpeg, mutated

SEEDS = photo_seeds() + corpus_seeds()
MAX_PIXELS = 4_000_000


def prepared_or_refused(data: bytes, name: str) -> CheckedUpload | ImageRejected:
    try:
        checked = check_upload(data, name, max_pixels=MAX_PIXELS)
    except ImageRejected as rejected:
        assert 400 <= rejected.status < 500 and rejected.message
        return rejected
    # Accepted, so the worker must be able to make its copies: no ImageRejected there.
    copies = served_copies_make(checked.original, checked.extension, max_pixels=MAX_PIXELS)
    assert Image.open(io.BytesIO(copies.served)).size == (checked.width, checked.height)
    return checked


def test_every_seed_is_accepted():
    for name, data in photo_seeds():
        assert isinstance(prepared_or_refused(data, name), CheckedUpload), name


@given(st.sampled_from(SEEDS).flatmap(lambda seed: st.tuples(st.just(seed[0]), mutated(seed[1]))))
def test_mutated_photos_are_prepared_or_refused(seed: tuple[str, bytes]):
    name, data = seed
    result = prepared_or_refused(data, name)
    if isinstance(result, CheckedUpload):
        assert result.width * result.height <= MAX_PIXELS


@given(hostile_exif_jpeg())
def test_hostile_exif_never_breaks_preparing(data: bytes):
    prepared_or_refused(data, "hostile.jpg")


@given(st.binary(max_size=1024), st.sampled_from(["a.jpg", "a.png", "a.webp", "a.heic", "a.gif"]))
def test_any_bytes_are_refused_cleanly(data: bytes, name: str):
    prepared_or_refused(data, name)
