from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from birdai.submissions import services
from birdai.submissions.forms import UploadForm
from birdai.submissions.images import ImageRejected
from birdai.submissions.models import Submission

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
            )
        except ImageRejected as rejected:
            form.add_error("image", rejected.message)
            return _form_response(request, form, status=rejected.status)
        if _wants_json(request):
            return JsonResponse({"url": submission.get_absolute_url()}, status=201)
        return redirect(submission.get_absolute_url())
    return _form_response(request, form, status=400 if form.errors else 200)


@login_required
def submission_detail(request: HttpRequest, submission_id: UUID) -> HttpResponse:
    owned = Submission.objects.owned_by(request.user).prefetch_related("detections")
    submission = get_object_or_404(owned, pk=submission_id)
    return render(request, "submissions/detail.html", {"submission": submission})


@login_required
@require_POST
def submission_retry(request: HttpRequest, submission_id: UUID) -> HttpResponse:
    submission = get_object_or_404(Submission.objects.owned_by(request.user), pk=submission_id)
    services.submission_retry(submission=submission)
    return redirect(submission.get_absolute_url())


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
