from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from birdai.submissions import services
from birdai.submissions.models import Submission
from birdai.submissions.schemas import Problem, SubmissionOut, SubmissionPatch

router = Router(tags=["submissions"])


def _own(request: HttpRequest, submission_id: UUID) -> Submission:
    # Someone else's submission is "not found", not "forbidden": ids leak nothing.
    owned = Submission.objects.owned_by(request.user).prefetch_related("detections")
    return get_object_or_404(owned.select_related("sighting"), pk=submission_id)


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
    return Status(201, _own(request, submission.pk))


@router.get("", response=list[SubmissionOut], summary="List your submissions, newest first")
@paginate(PageNumberPagination, page_size=20)
def submission_list(request: HttpRequest) -> list[Submission]:
    owned = Submission.objects.owned_by(request.user).newest_first().select_related("sighting")
    return owned.prefetch_related("detections")  # type: ignore[return-value]


@router.get("/{submission_id}", response=SubmissionOut, summary="Get one of your submissions")
def submission_get(request: HttpRequest, submission_id: UUID) -> Submission:
    return _own(request, submission_id)


@router.patch("/{submission_id}", response=SubmissionOut, summary="Change one of your submissions")
def submission_update(
    request: HttpRequest, submission_id: UUID, changes: SubmissionPatch
) -> Submission:
    submission = _own(request, submission_id)
    if changes.geoprivacy is not None:
        services.submission_geoprivacy_set(submission=submission, geoprivacy=changes.geoprivacy)
    return _own(request, submission_id)


@router.post(
    "/{submission_id}/retry",
    response={202: SubmissionOut, 409: Problem},
    summary="Queue a failed submission again",
)
def submission_retry(request: HttpRequest, submission_id: UUID) -> Status[object]:
    submission = _own(request, submission_id)
    if not services.submission_retry(submission=submission):
        detail = f"Only a failed submission can be retried; this one is {submission.status}."
        return Status(409, {"detail": detail})
    return Status(202, _own(request, submission_id))
