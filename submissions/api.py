from uuid import UUID

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from submissions import services
from submissions.models import Submission
from submissions.schemas import Problem, SubmissionOut, SubmissionPatch
from submissions.selectors import submission_owned_get

router = Router(tags=["submissions"])
# The page turns into an SQL OFFSET, a bigint: a page number past any real history
# is refused with a 400 instead of overflowing in PostgreSQL (found by tests/fuzz).
MAX_PAGE = 1_000_000


class SubmissionPages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)


@router.post(
    "",
    response={201: SubmissionOut, 400: Problem, 413: Problem, 415: Problem, 503: Problem},
    summary="Upload a photo",
)
def submission_create(
    request: HttpRequest,
    image: File[UploadedFile],
    geoprivacy: Form[Submission.Geoprivacy] = Submission.Geoprivacy.OBSCURED,
) -> Status[Submission]:
    submission = services.submission_create(
        owner=request.user,  # type: ignore[arg-type]
        upload=image,
        geoprivacy=geoprivacy,
    )
    return Status(201, submission_owned_get(user=request.user, submission_id=submission.pk))


@router.get("", response=list[SubmissionOut], summary="List your submissions, newest first")
@paginate(SubmissionPages, page_size=settings.API_PAGE_SIZE)
def submission_list(request: HttpRequest) -> list[Submission]:
    owned = Submission.objects.owned_by(request.user).newest_first()
    return owned.prefetch_related("detections")  # type: ignore[return-value]


@router.get("/{submission_id}", response=SubmissionOut, summary="Get one of your submissions")
def submission_get(request: HttpRequest, submission_id: UUID) -> Submission:
    return submission_owned_get(user=request.user, submission_id=submission_id)


@router.patch("/{submission_id}", response=SubmissionOut, summary="Change one of your submissions")
def submission_update(
    request: HttpRequest, submission_id: UUID, changes: SubmissionPatch
) -> Submission:
    submission = submission_owned_get(user=request.user, submission_id=submission_id)
    if changes.geoprivacy is not None:
        services.submission_geoprivacy_set(submission=submission, geoprivacy=changes.geoprivacy)
    return submission_owned_get(user=request.user, submission_id=submission_id)


@router.delete(
    "/{submission_id}",
    response={204: None},
    summary="Delete one of your submissions, its files and its place on the map",
)
def submission_delete(request: HttpRequest, submission_id: UUID) -> Status[None]:
    submission = submission_owned_get(user=request.user, submission_id=submission_id)
    services.submission_delete(submission=submission)
    return Status(204, None)


@router.post(
    "/{submission_id}/retry",
    response={202: SubmissionOut, 409: Problem},
    summary="Queue a failed submission again",
)
def submission_retry(request: HttpRequest, submission_id: UUID) -> Status[object]:
    submission = submission_owned_get(user=request.user, submission_id=submission_id)
    if not services.submission_retry(submission=submission):
        detail = f"Only a failed submission can be retried; this one is {submission.status}."
        return Status(409, {"detail": detail})
    return Status(202, submission_owned_get(user=request.user, submission_id=submission_id))
