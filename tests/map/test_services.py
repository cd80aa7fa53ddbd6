"""Publishing a submission to the public map, and the cluster counts that follow it."""

import pytest
from django.core.files.base import ContentFile

from gossip.sharing import public_changes_apply
from map.models import ClusterCell, Sighting
from map.services import cluster_cells_rebuild, sighting_publish
from submissions import classification
from submissions.geoprivacy import cell_of, farthest_corner_m
from submissions.models import Submission
from submissions.services import submission_create, submission_geoprivacy_set

pytestmark = pytest.mark.django_db
LAT, LON = 51.501364, -0.14189


def public_point(submission: Submission) -> tuple[float, float]:
    point = Sighting.objects.get(submission=submission).point
    return point.y, point.x


def counts() -> set[tuple]:
    """The cluster counts as they stand (empty cells left out), rounded for comparing."""
    rows = ClusterCell.objects.filter(count__gt=0).values_list(
        "level", "x", "y", "label", "count", "lon_sum", "lat_sum"
    )
    return {(*row[:5], round(row[5], 6), round(row[6], 6)) for row in rows}


def test_obscured_is_published_somewhere_else_in_the_same_cell(alice, located):
    submission = located(alice, LAT, LON, accuracy_m=30.0)
    lat, lon = public_point(submission)
    assert (lat, lon) != (LAT, LON)
    assert cell_of(lat, lon) == cell_of(LAT, LON)
    sighting = Sighting.objects.get(submission=submission)
    assert sighting.precision_m == round(farthest_corner_m(lat, lon) + 30)
    assert sighting.owner == alice and sighting.origin == ""


def test_open_is_published_exactly_with_its_accuracy(alice, located):
    submission = located(alice, LAT, LON, geoprivacy="open", accuracy_m=12.0)
    assert public_point(submission) == (LAT, LON)
    assert Sighting.objects.get(submission=submission).precision_m == 12.0


def test_private_is_not_published(alice, located):
    located(alice, LAT, LON, geoprivacy="private")
    assert not Sighting.objects.exists()
    assert counts() == set()


def test_unfinished_or_unlocated_submissions_are_not_published(alice, located):
    pending = located(alice, LAT, LON)
    Submission.objects.filter(pk=pending.pk).update(status="processing")
    assert sighting_publish(submission_id=pending.pk).sighting is None
    nowhere = located(alice, LAT, LON)
    Submission.objects.filter(pk=nowhere.pk).update(location=None)
    assert sighting_publish(submission_id=nowhere.pk).sighting is None
    assert not Sighting.objects.exists() and counts() == set()


def test_labels_are_most_confident_first_and_time_falls_back_to_upload(alice, located):
    submission = located(alice, LAT, LON, label="bird", confidence=0.4, captured_at=None)
    submission.detections.create(label="squirrel", confidence=0.8, x1=0, y1=0, x2=1, y2=1)
    sighting = sighting_publish(submission_id=submission.pk).sighting
    assert (sighting.label, sighting.confidence) == ("squirrel", 0.8)
    assert [label["label"] for label in sighting.labels] == ["squirrel", "bird"]
    assert sighting.observed_at == submission.created_at


def test_nothing_found_is_published_with_an_empty_label(alice, located):
    sighting = Sighting.objects.get(submission=located(alice, LAT, LON, label=""))
    assert (sighting.label, sighting.confidence, sighting.labels) == ("", None, [])


def test_the_obscured_point_survives_every_change_of_mind(alice, located):
    submission = located(alice, LAT, LON)
    first = public_point(submission)
    assert sighting_publish(submission_id=submission.pk).sighting.point.coords == first[::-1]
    submission_geoprivacy_set(submission=submission, geoprivacy="private")
    public_changes_apply()
    assert not Sighting.objects.filter(submission=submission).exists()
    submission_geoprivacy_set(submission=submission, geoprivacy="open")
    public_changes_apply()
    assert public_point(submission) == (LAT, LON)
    submission_geoprivacy_set(submission=submission, geoprivacy="obscured")
    public_changes_apply()
    assert public_point(submission) == first
    assert Sighting.objects.count() == 1


def test_cluster_counts_match_a_recount_after_any_changes(alice, bob, located):
    places = [(51.5, -0.14), (51.51, -0.13), (48.85, 2.35), (-33.86, 151.21), (0.0, 0.0)]
    made = [
        located(alice, lat, lon, label=label)
        for (lat, lon), label in zip(places, "abcab", strict=True)
    ]
    made.append(located(bob, 51.5, -0.14, geoprivacy="open"))
    submission_geoprivacy_set(submission=made[0], geoprivacy="open")
    public_changes_apply()
    submission_geoprivacy_set(submission=made[1], geoprivacy="private")
    public_changes_apply()
    submission_geoprivacy_set(submission=made[2], geoprivacy="obscured")
    public_changes_apply()
    Submission.objects.filter(pk=made[3].pk).update(status="failed")
    sighting_publish(submission_id=made[3].pk)
    kept = counts()
    assert sum(row[4] for row in kept if row[0] == 0) == 4  # of 6: one private, one failed
    assert cluster_cells_rebuild() > 0
    assert counts() == kept


@pytest.mark.model
@pytest.mark.usefixtures("worker_model_sees_everything")
def test_the_worker_publishes_what_it_classified(alice, make_photo):
    """The real task code and the real (untrained) model, as the worker runs them."""
    photo = ContentFile(make_photo(gps=(LAT, LON)), name="squirrel.jpg")
    submission = submission_create(owner=alice, upload=photo, geoprivacy="open")
    assert not Sighting.objects.exists()  # not before the model has looked at it
    classification.submission_classify(submission_id=submission.pk)
    public_changes_apply()
    sighting = Sighting.objects.get(submission=submission)
    strongest = submission.detections.order_by("-confidence").first()
    assert (sighting.label, sighting.confidence) == (strongest.label, strongest.confidence)
    assert sighting.point.y == pytest.approx(LAT, abs=1e-5)
