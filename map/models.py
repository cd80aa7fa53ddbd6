import uuid
from datetime import datetime
from typing import Any, Self

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.geos import Polygon
from django.db.models import Count, F, Func, Q, Sum
from django.db.models.functions import Cast, Floor
from django.utils import timezone

from map.grid import BBox, CellRange, cell_degrees
from submissions.models import Submission


class Longitude(Func):
    function = "ST_X"
    output_field = models.FloatField()


class Latitude(Func):
    function = "ST_Y"
    output_field = models.FloatField()


def envelope(bbox: BBox) -> Polygon:
    polygon = Polygon.from_bbox(bbox)
    polygon.srid = 4326
    return polygon


class SightingQuerySet(models.QuerySet["Sighting"]):
    def in_bbox(self, bbox: BBox) -> Self:
        # `&&` compares bounding boxes, which for a point is exact, and uses the GiST index.
        return self.filter(point__bboverlaps=envelope(bbox))

    def labelled(self, label: str | None) -> Self:
        return self if label is None else self.filter(label=label)

    def observed_between(self, start: datetime | None, end: datetime | None) -> Self:
        """From start (included) to end (excluded); None leaves that side open."""
        queryset = self if start is None else self.filter(observed_at__gte=start)
        return queryset if end is None else queryset.filter(observed_at__lt=end)

    def newest_first(self) -> Self:
        return self.order_by("-observed_at", "-id")

    def after(self, observed_at: datetime, pk: uuid.UUID) -> Self:
        """What comes after (observed_at, pk) in newest_first order: the next page."""
        return self.filter(Q(observed_at__lt=observed_at) | Q(observed_at=observed_at, id__lt=pk))

    def cell_counts(self, level: int) -> models.QuerySet[Any, Any]:
        """Rows {x, y, label, count, lon_sum, lat_sum}: these sightings counted by cell."""
        return counted_by_cell(self, point="point", label="label", level=level)


def counted_by_cell(
    rows: models.QuerySet[Any, Any], *, point: str, label: str, level: int
) -> models.QuerySet[Any, Any]:
    """Rows {x, y, <label>, count, lon_sum, lat_sum}: `rows` counted by cell of `level`.

    The arithmetic is map.grid.cell_index, done in SQL on the same doubles.
    """
    size = cell_degrees(level)
    return (
        rows.annotate(lon=Longitude(point), lat=Latitude(point))
        .annotate(
            x=Cast(Floor((F("lon") + 180.0) / size), models.IntegerField()),
            y=Cast(Floor((F("lat") + 90.0) / size), models.IntegerField()),
        )
        .order_by()
        .values("x", "y", label)
        .annotate(count=Count("pk"), lon_sum=Sum("lon"), lat_sum=Sum("lat"))
    )


class Sighting(models.Model):
    """The public face of a sighting: the one table the map reads, and gossip will share.

    It holds the public position only: the true one for an open submission, the
    obscured point for an obscured one; a private submission has no row at all.
    Rows of this node link to their submission; rows that peers send (gossip)
    instead name their origin and carry that origin's seq and photo URLs.
    """

    # A UUID, so that the same sighting keeps the same id on every node that holds it.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    origin = models.CharField(max_length=255, blank=True)  # a peer's node id; "" = this node
    seq = models.BigIntegerField(null=True, blank=True)  # the order the origin published in
    # Neither is cascaded: deleting a submission (or its owner) leaves the row for
    # gossip.sharing, which takes it off the map and tells peers (a tombstone), with
    # the cluster counts kept right, as it consumes the submissions outbox.
    submission = models.OneToOneField(
        Submission,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="sighting",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sightings",
    )
    point = models.PointField(srid=4326)  # spatial_index (a GiST index) is on by default
    precision_m = models.FloatField(null=True, blank=True)  # the true one is this close, if known
    label = models.CharField(max_length=64, blank=True, db_index=True)  # "": nothing found
    confidence = models.FloatField(null=True, blank=True)
    labels = models.JSONField(default=list, blank=True)  # [{label, confidence}], best first
    # When the photo was taken; its upload time when the photo does not say.
    observed_at = models.DateTimeField()
    published_at = models.DateTimeField(default=timezone.now)
    # A peer's sighting: its served photo and thumbnail where its origin serves them
    # (absolute https URLs; the browser loads them, this server never does). "" here.
    image_url = models.URLField(max_length=1000, blank=True)
    thumb_url = models.URLField(max_length=1000, blank=True)
    origin_host = models.CharField(max_length=255, blank=True)  # the peer's host, if known

    objects = SightingQuerySet.as_manager()

    class Meta:
        indexes = [
            # Newest-first pages and date ranges; and with the point and label in the
            # index itself, clusters over a date range are counted without reading the
            # table (an index-only scan: a third of the time).
            models.Index(
                fields=["observed_at", "id"],
                include=["point", "label"],
                name="map_sighting_observed",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["origin", "seq"], name="map_sighting_origin_seq")
        ]

    def __str__(self) -> str:
        return f"{self.label or 'nothing'} at {self.observed_at:%Y-%m-%d}"


class ClusterCellQuerySet(models.QuerySet["ClusterCell"]):
    def in_range(self, cells: CellRange) -> Self:
        return self.filter(
            level=cells.level,
            x__gte=cells.x_min,
            x__lte=cells.x_max,
            y__gte=cells.y_min,
            y__lte=cells.y_max,
        )

    def labelled(self, label: str | None) -> Self:
        return self if label is None else self.filter(label=label)


class ClusterCell(models.Model):
    """How many public sightings of one label lie in one cell of one level of map.grid.

    The clusters of a zoomed-out map are summed from these few rows instead of
    counting up to millions of sightings at every request. map.services keeps
    them in step with every change to Sighting.
    """

    level = models.PositiveSmallIntegerField()
    x = models.IntegerField()
    y = models.IntegerField()
    label = models.CharField(max_length=64, blank=True)
    count = models.IntegerField(default=0)
    # Sums rather than a centre, so that adding or removing a sighting is one addition.
    lon_sum = models.FloatField(default=0.0)
    lat_sum = models.FloatField(default=0.0)

    objects = ClusterCellQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "x", "y", "label"], name="map_clustercell_key")
        ]

    def __str__(self) -> str:
        return f"level {self.level} ({self.x}, {self.y}) {self.label}: {self.count}"
