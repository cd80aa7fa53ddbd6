"""read_metadata on mutated photos and hostile EXIF blocks: never raises, never lies."""

import math

from hypothesis import given
from hypothesis import strategies as st

from submissions.exif import PhotoMetadata, read_metadata
from tests.fuzz.seeds import corpus_seeds, photo_seeds
from tests.fuzz.strategies import hostile_exif_jpeg, mutated

SEEDS = [data for _, data in photo_seeds() + corpus_seeds()]


def assert_believable(metadata: PhotoMetadata) -> None:
    if metadata.latitude is not None:
        assert metadata.longitude is not None
        assert -90 <= metadata.latitude <= 90 and -180 <= metadata.longitude <= 180
        assert math.isfinite(metadata.latitude) and math.isfinite(metadata.longitude)
    else:
        assert metadata.altitude_m is None and metadata.horizontal_accuracy_m is None
    if metadata.captured_at is not None:
        assert metadata.captured_at.tzinfo is not None


def test_the_seeds_carry_their_position():
    for _, data in photo_seeds():
        assert read_metadata(data).latitude is not None


@given(st.sampled_from(SEEDS).flatmap(mutated))
def test_mutated_photos_give_metadata_or_none(data: bytes):
    assert_believable(read_metadata(data))


@given(hostile_exif_jpeg())
def test_hostile_exif_blocks_give_metadata_or_none(data: bytes):
    assert_believable(read_metadata(data))


@given(st.binary(max_size=2048))
def test_any_bytes_give_metadata_or_none(data: bytes):
    assert_believable(read_metadata(data))
