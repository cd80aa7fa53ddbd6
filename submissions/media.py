"""Photo files served by Django: /media/ on local disk, and a private photo's to its owner.

Both read through submissions.storage. With S3 neither is used for public copies: the
browser gets CDN or presigned URLs (storage.served_copy_url).
"""

from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from submissions import storage
from submissions.selectors import submission_owned_get, submission_shown_get


def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """A public served copy from local disk (only when BIRDAI_SERVE_MEDIA is on).

    Only a file its submission names, while that submission exists and is not private:
    the files of a photo made private, or left behind by a deletion, are 404 here.
    ``no-cache`` makes every cache ask again, so that holds at once.
    """
    if not _shown(path):
        raise Http404("No such photo.")
    try:
        file, modified_at = storage.public_copy_open(path)
    except FileNotFoundError as missing:
        raise Http404("No such photo.") from missing
    last_modified = int(modified_at.timestamp())
    not_modified = get_conditional_response(request, last_modified=last_modified)
    if not_modified is not None:
        file.close()
        return not_modified
    response = FileResponse(file, content_type="image/jpeg")
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "no-cache"
    return response


def own_copy(request: HttpRequest, submission_id: UUID, *, thumbnail: bool) -> FileResponse:
    """A served copy (or thumbnail) for its owner only, whatever its geoprivacy.

    Anyone else, signed in or not, gets 404: an id must not tell whether it exists.
    """
    if not request.user.is_authenticated:
        raise Http404("No such photo.")
    submission = submission_owned_get(user=request.user, submission_id=submission_id)
    name = (submission.thumbnail if thumbnail else submission.image).name or ""
    if not name:
        raise Http404("The photo's copies are not made yet.")
    try:
        file = storage.served_copy_open(name)
    except FileNotFoundError as missing:
        raise Http404("No such photo.") from missing
    response = FileResponse(file, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"  # never kept by a shared cache
    return response


def _shown(path: str) -> bool:
    """Whether `path` is a served copy of a submission that exists and is not private."""
    submission_id = storage.submission_id_of(path)
    if submission_id is None:
        return False
    submission = submission_shown_get(submission_id=submission_id)
    return submission is not None and path in (submission.image.name, submission.thumbnail.name)
