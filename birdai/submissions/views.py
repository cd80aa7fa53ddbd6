from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from birdai.submissions import services
from birdai.submissions.forms import GeoprivacyForm, UploadForm
from birdai.submissions.images import ImageRejected
from birdai.submissions.models import Submission
from birdai.submissions.storage import StorageUnavailable

HISTORY_PAGE_SIZE = 12


@login_required
def submission_list(request: HttpRequest) -> HttpResponse:
    history = Submission.objects.owned_by(request.user).newest_first()
    page = Paginator(history, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "submissions/list.html", {"page": page})


@login_required
def submission_create(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.submission_create(
                owner=request.user,  # type: ignore[arg-type]
                upload=form.cleaned_data["image"],
                geoprivacy=form.cleaned_data["geoprivacy"],
            )
        except ImageRejected as rejected:
            form.add_error("image", rejected.message)
            return _form_response(request, form, status=rejected.status)
        except StorageUnavailable as unavailable:
            form.add_error(None, unavailable.message)
            response = _form_response(request, form, status=503)
            response["Retry-After"] = str(unavailable.retry_after)
            return response
        if _wants_json(request):
            return JsonResponse({"url": submission.get_absolute_url()}, status=201)
        return redirect(submission.get_absolute_url())
    return _form_response(request, form, status=400 if form.errors else 200)


@login_required
def submission_detail(request: HttpRequest, submission_id: UUID) -> HttpResponse:
    submission = _own(request, submission_id)
    form = GeoprivacyForm(initial={"geoprivacy": submission.geoprivacy})
    return _detail_response(request, submission, form, status=200)


@login_required
@require_POST
def submission_geoprivacy(request: HttpRequest, submission_id: UUID) -> HttpResponse:
    submission = _own(request, submission_id)
    form = GeoprivacyForm(request.POST)
    if not form.is_valid():
        return _detail_response(request, submission, form, status=400)
    services.submission_geoprivacy_set(
        submission=submission, geoprivacy=form.cleaned_data["geoprivacy"]
    )
    return redirect(submission.get_absolute_url())


@login_required
@require_POST
def submission_retry(request: HttpRequest, submission_id: UUID) -> HttpResponse:
    submission = get_object_or_404(Submission.objects.owned_by(request.user), pk=submission_id)
    services.submission_retry(submission=submission)
    return redirect(submission.get_absolute_url())


def _own(request: HttpRequest, submission_id: UUID) -> Submission:
    # Someone else's submission is "not found": its page, position included, is the owner's.
    owned = Submission.objects.owned_by(request.user).select_related("sighting")
    return get_object_or_404(owned.prefetch_related("detections"), pk=submission_id)


def _detail_response(
    request: HttpRequest, submission: Submission, form: GeoprivacyForm, *, status: int
) -> HttpResponse:
    context = {"submission": submission, "geoprivacy_form": form}
    return render(request, "submissions/detail.html", context, status=status)


def _wants_json(request: HttpRequest) -> bool:
    # The upload page's script sends the form with XHR (for its progress bar)
    # and asks for JSON; without JavaScript the form posts as usual.
    return "application/json" in request.headers.get("Accept", "")


def _form_response(request: HttpRequest, form: UploadForm, *, status: int) -> HttpResponse:
    if _wants_json(request) and form.errors:
        messages = [m for errors in form.errors.values() for m in errors]
        return JsonResponse({"detail": " ".join(str(m) for m in messages)}, status=status)
    context = {"form": form, "max_upload_mb": settings.MAX_UPLOAD_BYTES // 1_048_576}
    return render(request, "submissions/create.html", context, status=status)
