"""Sightings built in code: classified submissions at known places, published as by the worker."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.contrib.gis.geos import Point

from gossip.sharing import submission_share
from submissions.models import Detection, Submission

SightingFactory = Callable[..., Submission]
MAY_2024 = datetime(2024, 5, 17, 8, 30, tzinfo=UTC)


@pytest.fixture
def located(db) -> SightingFactory:
    """``located(owner, lat, lon, geoprivacy="obscured", label="squirrel", ...)``.

    A submission that the model has finished with, with a detection of `label`
    (none for label=""), already on the map as far as its geoprivacy allows.
    """

    def make(
        owner,
        lat: float,
        lon: float,
        *,
        geoprivacy: str = "obscured",
        label: str = "squirrel",
        confidence: float = 0.9,
        captured_at: datetime | None = MAY_2024,
        accuracy_m: float | None = None,
        id: uuid.UUID | None = None,
    ) -> Submission:
        pk = id or uuid.uuid4()
        folder = f"submissions/{pk}"
        submission = Submission.objects.create(
            id=pk,
            owner=owner,
            original_name="photo.jpg",
            original=f"{folder}/original.jpg",
            image=f"{folder}/image.jpg",
            thumbnail=f"{folder}/thumbnail.jpg",
            width=640,
            height=480,
            location=Point(lon, lat, srid=4326),
            location_accuracy_m=accuracy_m,
            captured_at=captured_at,
            geoprivacy=geoprivacy,
            status=Submission.Status.DONE,
        )
        if label:
            Detection.objects.create(
                submission=submission, label=label, confidence=confidence, x1=1, y1=2, x2=30, y2=40
            )
        submission_share(submission_id=submission.pk)
        return submission

    return make
