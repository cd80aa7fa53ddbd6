from uuid import UUID

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import PasswordConfirmForm
from submissions import services
from submissions.forms import GeoprivacyForm, UploadForm
from submissions.images import ImageRejected
from submissions.models import Submission
from submissions.selectors import public_position, submission_history, submission_owned_get
from submissions.storage import StorageUnavailable

HISTORY_PAGE_SIZE = 12


@login_required
def submission_list(request: HttpRequest) -> HttpResponse:
    history = submission_history(owner=request.user)
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
        except (StorageUnavailable, services.QueueFull) as unavailable:
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
    submission = submission_owned_get(user=request.user, submission_id=submission_id)
    form = GeoprivacyForm(initial={"geoprivacy": submission.geoprivacy})
    return _detail_response(request, submission, form, status=200)


@login_required
@require_POST
def submission_geoprivacy(request: HttpRequest, submission_id: UUID) -> HttpResponse:
    submission = submission_owned_get(user=request.user, submission_id=submission_id)
    form = GeoprivacyForm(request.POST)
    if not form.is_valid():
        return _detail_response(request, submission, form, status=400)
    try:
        services.submission_geoprivacy_set(
            submission=submission, geoprivacy=form.cleaned_data["geoprivacy"]
        )
    except StorageUnavailable as unavailable:
        form.add_error(None, unavailable.message)
        response = _detail_response(request, submission, form, status=503)
        response["Retry-After"] = str(unavailable.retry_after)
        return response
    return redirect(submission.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def submission_delete(request: HttpRequest, submission_id: UUID) -> HttpResponse:
    """GET asks first, on a page of its own (no script needed); POST deletes."""
    submission = submission_owned_get(user=request.user, submission_id=submission_id)
    if request.method == "POST":
        services.submission_delete(submission=submission)
        return redirect("submissions:list")
    return render(request, "submissions/delete.html", {"submission": submission})


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """Delete the account and every photo of it, once the password is given again."""
    data = request.POST if request.method == "POST" else None
    form = PasswordConfirmForm(request.user, data)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=request.user)  # type: ignore[arg-type]
        logout(request)
        return redirect("home")
    context = {"form": form, "photos": Submission.objects.owned_by(request.user).count()}
    status = 400 if form.errors else 200
    return render(request, "submissions/account_delete.html", context, status=status)


@login_required
@require_POST
def submission_retry(request: HttpRequest, submission_id: UUID) -> HttpResponse:
    submission = submission_owned_get(user=request.user, submission_id=submission_id)
    services.submission_retry(submission=submission)
    return redirect(submission.get_absolute_url())


def _detail_response(
    request: HttpRequest, submission: Submission, form: GeoprivacyForm, *, status: int
) -> HttpResponse:
    context = {
        "submission": submission,
        "geoprivacy_form": form,
        "public": public_position(submission),
    }
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
