"""Reads for the map: the sightings in a box, a page at a time or counted into clusters.

Everyone sees the public rows (map.models.Sighting). A logged-in viewer also sees
their own sightings where they really are, private ones included, read from their
submissions; so their own public rows are left out of the pages, and in the
clusters their public points are counted out and their true ones counted in.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from map.grid import BBox
from map.models import Latitude, Longitude, Sighting, SightingQuerySet, envelope
from submissions.models import Detection, Submission

# What a page shows of a public row; the names of MapPoint's fields.
PUBLIC_FIELDS = (
    "id",
    "lon",
    "lat",
    "label",
    "confidence",
    "labels",
    "observed_at",
    "precision_m",
    "thumbnail",
    "origin",
    "origin_host",
    "thumb_url",
)


@dataclass(frozen=True)
class MapFilter:
    bbox: BBox
    label: str | None = None  # the top label, exactly; None: any
    start: datetime | None = None  # observed at or after
    end: datetime | None = None  # observed before


@dataclass(frozen=True)
class Position:
    """Where a page ends in newest-first order: the cursor for the next page."""

    observed_at: datetime
    id: uuid.UUID


@dataclass(frozen=True)
class MapPoint:
    """One sighting as the viewer may see it."""

    id: uuid.UUID
    lon: float
    lat: float
    label: str
    confidence: float | None
    labels: list[dict[str, Any]]
    observed_at: datetime
    precision_m: float | None
    thumbnail: str | None  # a name in the default storage
    own: Submission | None  # set only for the viewer's own sightings
    origin: str = ""  # a peer's node id; "" for this node's own sightings
    thumb_url: str = ""  # a peer's sighting: its thumbnail, where its origin serves it
    origin_host: str = ""  # a peer's sighting: where its origin is, when known

    @property
    def position(self) -> Position:
        return Position(self.observed_at, self.id)


def map_points(
    *, filters: MapFilter, viewer: AbstractBaseUser | None, limit: int, after: Position | None
) -> tuple[list[MapPoint], Position | None]:
    """Up to `limit` sightings newest first, and the cursor of the next page (None: no more)."""
    public = public_sightings(filters, viewer).newest_first()
    if after is not None:
        public = public.after(after.observed_at, after.id)
    # Plain values, the position read by PostGIS: no model or GEOS object for each row.
    # Of the submission, only the thumbnail's name: a join on at most limit + 1 rows.
    rows = public.annotate(
        lon=Longitude("point"), lat=Latitude("point"), thumbnail=F("submission__thumbnail")
    ).values(*PUBLIC_FIELDS)
    points = [MapPoint(**row, own=None) for row in rows[: limit + 1]]
    if viewer is not None:
        own = own_submissions(filters, viewer).order_by("-observed", "-id")
        if after is not None:
            own = own.filter(
                Q(observed__lt=after.observed_at) | Q(observed=after.observed_at, id__lt=after.id)
            )
        points += [_own_point(row) for row in own.prefetch_related("detections")[: limit + 1]]
    points.sort(key=lambda point: (point.observed_at, point.id), reverse=True)
    page = points[:limit]
    return page, (page[-1].position if len(points) > limit else None)


def public_sightings(filters: MapFilter, viewer: AbstractBaseUser | None) -> SightingQuerySet:
    """The public rows in the box; without the viewer's own, which come from their submissions."""
    rows = Sighting.objects.in_bbox(filters.bbox).labelled(filters.label)
    rows = rows.observed_between(filters.start, filters.end)
    return rows if viewer is None else rows.exclude(owner_id=viewer.pk)


def own_submissions(filters: MapFilter, viewer: AbstractBaseUser) -> QuerySet[Any]:
    """The viewer's own sightings at their true positions, annotated `observed` and `top_label`.

    (QuerySet[Any] because mypy cannot name a Submission with these annotations.)
    """
    top = Detection.objects.filter(submission=OuterRef("pk")).order_by("-confidence", "id")
    rows = (
        Submission.objects.owned_by(viewer)
        .on_map()
        .filter(location__bboverlaps=envelope(filters.bbox))
        .annotate(
            observed=Coalesce("captured_at", "created_at"),
            top_label=Coalesce(Subquery(top.values("label")[:1]), Value("")),
        )
    )
    if filters.label is not None:
        rows = rows.filter(top_label=filters.label)
    if filters.start is not None:
        rows = rows.filter(observed__gte=filters.start)
    return rows if filters.end is None else rows.filter(observed__lt=filters.end)


def submission_labels(submission: Submission) -> list[dict[str, Any]]:
    """Every label found, most confident first: [{label, confidence}]."""
    found = sorted(submission.detections.all(), key=lambda d: (-d.confidence, d.pk))
    return [{"label": d.label, "confidence": d.confidence} for d in found]


def submission_observed_at(submission: Submission) -> datetime:
    """When the photo was taken; when it was uploaded if the photo does not say."""
    return submission.captured_at or submission.created_at


def _own_point(row: Submission) -> MapPoint:
    labels = submission_labels(row)
    assert row.location is not None  # on_map() has only located ones
    return MapPoint(
        id=row.id,
        lon=row.location.x,
        lat=row.location.y,
        label=labels[0]["label"] if labels else "",
        confidence=labels[0]["confidence"] if labels else None,
        labels=labels,
        observed_at=submission_observed_at(row),
        precision_m=row.location_accuracy_m,
        thumbnail=row.thumbnail.name or None,
        own=row,
    )
