"""What the API returns for a submission: declared here, validated by Pydantic."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from submissions import storage
from submissions.models import Submission
from submissions.selectors import public_position


class Box(Schema):
    x1: float
    y1: float
    x2: float
    y2: float


class DetectionOut(Schema):
    label: str
    confidence: float
    box: Box

    @staticmethod
    def resolve_box(detection: Any) -> Box:
        return Box(x1=detection.x1, y1=detection.y1, x2=detection.x2, y2=detection.y2)


class Location(Schema):
    lat: float
    lon: float
    altitude_m: float | None
    accuracy_m: float | None  # the GPS error radius, if the photo says


class PublicLocation(Schema):
    """Where everyone else sees the sighting on the map."""

    lat: float
    lon: float
    precision_m: float | None  # the true position is within this distance; None: unknown


class ModelRun(Schema):
    name: str
    classes: list[str]
    device: str
    precision: str = Field(description="What the network computed in: fp32, int8 or bf16")
    inference_ms: float | None


class SubmissionOut(Schema):
    id: UUID
    status: Submission.Status
    created_at: datetime
    original_name: str
    width: int
    height: int
    # The served copies; a private photo's work for a few minutes, for its owner only.
    # None until the worker has made them, which it does first (status "processing").
    image_url: str | None
    thumbnail_url: str | None
    page_url: str
    captured_at: datetime | None
    location: Location | None
    geoprivacy: Submission.Geoprivacy
    public_location: PublicLocation | None  # None: not on the public map (yet, or private)
    attempts: int
    error: str
    model: ModelRun | None
    detections: list[DetectionOut]

    @staticmethod
    def resolve_image_url(submission: Submission, context: dict[str, Any]) -> str | None:
        return _absolute(context, storage.served_copy_url(submission))

    @staticmethod
    def resolve_thumbnail_url(submission: Submission, context: dict[str, Any]) -> str | None:
        return _absolute(context, storage.served_copy_url(submission, thumbnail=True))

    @staticmethod
    def resolve_page_url(submission: Submission, context: dict[str, Any]) -> str:
        return context["request"].build_absolute_uri(submission.get_absolute_url())

    @staticmethod
    def resolve_location(submission: Submission) -> Location | None:
        if submission.location is None:
            return None
        point = submission.location
        return Location(
            lat=point.y,
            lon=point.x,
            altitude_m=submission.altitude_m,
            accuracy_m=submission.location_accuracy_m,
        )

    @staticmethod
    def resolve_public_location(submission: Submission) -> PublicLocation | None:
        # As its geoprivacy says now: the map follows within BIRDAI_PUBLISH_INTERVAL.
        public = public_position(submission)
        if public is None:
            return None
        return PublicLocation(
            lat=public.point.y, lon=public.point.x, precision_m=public.precision_m
        )

    @staticmethod
    def resolve_model(submission: Submission) -> ModelRun | None:
        if not submission.model_name:
            return None
        return ModelRun(
            name=submission.model_name,
            classes=submission.model_classes,
            device=submission.device,
            precision=submission.precision or "fp32",  # photos from before it was kept
            inference_ms=submission.inference_ms,
        )

    @staticmethod
    def resolve_detections(submission: Submission) -> list[Any]:
        return list(submission.detections.all())


class SubmissionPatch(Schema):
    """What an owner may change; a field left out stays as it is."""

    geoprivacy: Submission.Geoprivacy | None = None


class Problem(Schema):
    detail: str


def _absolute(context: dict[str, Any], url: str | None) -> str | None:
    return None if url is None else context["request"].build_absolute_uri(url)
