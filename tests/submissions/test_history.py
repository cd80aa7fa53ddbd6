"""The history page's cards say what the model found, in one query per page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from submissions.models import Detection, Submission
from submissions.templatetags.found import counted

pytestmark = pytest.mark.django_db


def classified(owner, name: str, labels: list[tuple[str, float]]) -> Submission:
    """A photo the model has looked at, with a detection for each (label, confidence)."""
    submission = Submission.objects.create(
        owner=owner,
        original_name=name,
        original=f"originals/{name}",
        image=f"images/{name}",
        thumbnail=f"thumbnails/{name}",
        width=640,
        height=480,
        status=Submission.Status.DONE,
    )
    for label, confidence in labels:
        Detection.objects.create(
            submission=submission, label=label, confidence=confidence, x1=0, y1=0, x2=9, y2=9
        )
    return submission


def test_a_card_counts_what_was_found(alice_client, alice):
    classified(alice, "park.jpg", [("bird", 0.9), ("squirrel", 0.8), ("squirrel", 0.7)])
    classified(alice, "empty.jpg", [])
    page = alice_client.get("/submissions/").content.decode()
    assert '<span class="found">squirrel × 2, bird</span>' in page
    assert '<span class="found">Nothing found</span>' in page


def test_a_pending_card_says_nothing_about_findings(alice_client, alice):
    Submission.objects.filter(pk=classified(alice, "new.jpg", []).pk).update(status="pending")
    assert 'class="found"' not in alice_client.get("/submissions/").content.decode()


def test_the_page_costs_the_same_queries_for_one_photo_or_many(alice_client, alice):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert alice_client.get("/submissions/").status_code == 200
        return len(captured)

    classified(alice, "one.jpg", [("bird", 0.9)])
    one = queries()
    for index in range(6):
        classified(alice, f"more{index}.jpg", [("bird", 0.9), ("cat", 0.5), ("dog", 0.4)])
    assert queries() == one


def test_counts_keep_the_most_confident_first_among_equals():
    assert counted(["cat", "bird", "bird", "cat", "dog"]) == "cat × 2, bird × 2, dog"
    assert counted([]) == ""
