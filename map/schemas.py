"""What the sightings API takes and returns: declared here, validated by Pydantic.

The answer is a GeoJSON FeatureCollection (RFC 7946). Its extra members (`clustered`,
`cell_degrees`, `next_cursor`) are "foreign members", which GeoJSON readers ignore.
"""

import base64
import binascii
import math
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, Self

from ninja import Field, Schema
from pydantic import BaseModel, field_validator, model_validator

from map.grid import MAX_ZOOM, BBox
from map.selectors import MapFilter, Position
from submissions.models import Submission

DEFAULT_LIMIT = 500
MAX_LIMIT = 1000  # about 400 bytes a sighting: a page stays under half a megabyte
ANTIMERIDIAN = "a box across the antimeridian (±180°) is asked for as two boxes, one each side"


class SightingsQuery(Schema):
    bbox: str = Field(
        description="west,south,east,north in degrees (WGS 84); west <= east, south <= north",
        examples=["-0.51,51.28,0.33,51.69"],
    )
    zoom: int = Field(
        ge=0, le=MAX_ZOOM, description="The map's zoom level: below 12 the answer is clusters"
    )
    label: str | None = Field(None, max_length=64, description="Only sightings with this top label")
    from_: date | None = Field(None, alias="from", description="Observed on or after (UTC day)")
    to: date | None = Field(None, description="Observed on or before (UTC day)")
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Sightings a page (zoom ≥ 12)"
    )
    cursor: str | None = Field(None, description="`next_cursor` of the previous page")

    @field_validator("bbox")
    @classmethod
    def _bbox_valid(cls, value: str) -> str:
        parse_bbox(value)
        return value

    @field_validator("cursor")
    @classmethod
    def _cursor_valid(cls, value: str | None) -> str | None:
        if value is not None:
            cursor_decode(value)
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.from_ and self.to and self.from_ > self.to:
            raise ValueError(f"from ({self.from_}) is after to ({self.to})")
        return self

    def map_filter(self) -> MapFilter:
        return MapFilter(
            bbox=parse_bbox(self.bbox),
            label=self.label,
            start=_midnight(self.from_) if self.from_ else None,
            end=_midnight(self.to + timedelta(days=1)) if self.to else None,
        )

    def after(self) -> Position | None:
        return cursor_decode(self.cursor) if self.cursor else None


def parse_bbox(text: str) -> BBox:
    """A BBox from "west,south,east,north"; ValueError with a message for anything else."""
    try:
        numbers = [float(part) for part in text.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or not all(math.isfinite(number) for number in numbers):
        raise ValueError("must be four numbers: west,south,east,north")
    bbox = BBox(*numbers)
    if not (-180 <= bbox.west <= 180 and -180 <= bbox.east <= 180):
        raise ValueError("longitudes (west, east) must be between -180 and 180")
    if not (-90 <= bbox.south <= 90 and -90 <= bbox.north <= 90):
        raise ValueError("latitudes (south, north) must be between -90 and 90")
    if bbox.west > bbox.east:
        raise ValueError(f"west is greater than east; {ANTIMERIDIAN}")
    if bbox.south > bbox.north:
        raise ValueError("south is greater than north")
    return bbox


def cursor_encode(position: Position) -> str:
    text = f"{position.observed_at.isoformat()}|{position.id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def cursor_decode(cursor: str) -> Position:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        observed, pk = text.split("|")
        position = Position(datetime.fromisoformat(observed), uuid.UUID(pk))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValueError("not one this API gave out") from None
    if position.observed_at.tzinfo is None:
        raise ValueError("not one this API gave out")
    return position


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


# The answer's parts are plain Pydantic models, not ninja Schemas: a Schema looks up
# every field the way a template does (to read Django models), which for a thousand
# features took most of the time of a request.


class PointGeometry(BaseModel):
    type: Literal["Point"] = "Point"
    coordinates: tuple[float, float]  # [lon, lat], as GeoJSON orders them


class LabelScore(BaseModel):
    label: str
    confidence: float


class SightingProperties(BaseModel):
    cluster: Literal[False] = False
    label: str  # the most confident label; "" when the model found nothing it knows
    confidence: float | None
    labels: list[LabelScore]
    observed_at: datetime
    precision_m: float | None  # the true position is within this distance; None: unknown
    thumbnail_url: str | None
    mine: bool
    # A peer's sighting (gossip): its origin's node id, and the host of that node when
    # this one knows it. None for this node's own sightings.
    origin: str | None = None
    origin_host: str | None = None
    # Only on your own sightings, which are at their true position:
    geoprivacy: Submission.Geoprivacy | None = None
    page_url: str | None = None


class SightingFeature(BaseModel):
    type: Literal["Feature"] = "Feature"
    id: uuid.UUID
    geometry: PointGeometry
    properties: SightingProperties


class ClusterProperties(BaseModel):
    cluster: Literal[True] = True
    count: int
    mine_count: int  # how many of them are yours
    labels: dict[str, int]  # count by top label


class ClusterFeature(BaseModel):
    type: Literal["Feature"] = "Feature"
    geometry: PointGeometry  # the mean position of the sightings in the cell
    properties: ClusterProperties


class SightingCollection(BaseModel):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[SightingFeature] | list[ClusterFeature]
    clustered: bool
    cell_degrees: float | None = None  # clusters: the side of a grid cell, in degrees
    next_cursor: str | None = None  # sightings: pass as `cursor` for the next page
