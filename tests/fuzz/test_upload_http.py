"""The real upload path (the page's form and the API) with mutated photos.

Every answer is 201/302 or a clear 4xx; a refused upload leaves no Submission row,
no stored file and no PublicChange row behind.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from submissions.models import PublicChange, Submission
from tests.conftest import stored_files
from tests.fuzz.conftest import http_examples
from tests.fuzz.seeds import corpus_seeds, photo_seeds
from tests.fuzz.strategies import hostile_exif_jpeg, mutated

pytestmark = pytest.mark.django_db
SEEDS = photo_seeds() + corpus_seeds()
uploads = st.one_of(
    st.sampled_from(SEEDS).flatmap(lambda seed: st.tuples(st.just(seed[0]), mutated(seed[1]))),
    st.tuples(st.just("hostile.jpg"), hostile_exif_jpeg()),
)


def counts(storage) -> tuple[int, int, int]:
    files = len(stored_files(storage))
    return Submission.objects.count(), files, PublicChange.objects.count()


def check(response, before, after, accepted: set[int]) -> None:
    assert response.status_code < 500, response.content[:300]
    if response.status_code in accepted:
        assert after[0] == before[0] + 1
    else:
        assert 400 <= response.status_code < 500 and response.content
        assert after == before, "a refused upload left something behind"


@settings(max_examples=http_examples())
@given(uploads)
def test_api_upload_of_mutated_photos(client, alice_token, isolated_storage, upload):
    name, data = upload
    before = counts(isolated_storage)
    response = client.post(
        "/api/v1/submissions",
        {"image": SimpleUploadedFile(name, data)},
        headers={"Authorization": f"Bearer {alice_token}"},
    )
    check(response, before, counts(isolated_storage), {201})
    if response.status_code != 201:
        assert response.json()["detail"]


@settings(max_examples=http_examples())
@given(uploads)
def test_page_upload_of_mutated_photos(alice_client, isolated_storage, upload):
    name, data = upload
    before = counts(isolated_storage)
    response = alice_client.post("/submissions/new/", {"image": SimpleUploadedFile(name, data)})
    check(response, before, counts(isolated_storage), {302})
