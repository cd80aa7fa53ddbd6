"""The JSON API at /api/v1/: one NinjaAPI, routers from each app.

Scripts and the autograder authenticate with `Authorization: Bearer <token>`;
the site's own pages call it with their session cookie (CSRF-checked).
The OpenAPI schema is published at /api/v1/openapi.json, docs at /api/v1/docs.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.security import HttpBearer, django_auth

from birdai.accounts.api import router as accounts_router
from birdai.accounts.services import api_token_authenticate
from birdai.submissions.api import router as submissions_router
from birdai.submissions.images import ImageRejected
from birdai.submissions.storage import StorageUnavailable
from map.api import router as map_router

# Where ninja says a value came from; the field's name is what a client needs.
SOURCES = {"query", "body", "form", "path", "file", "header", "cookie", "payload"}


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        user = api_token_authenticate(key=token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="bird.ai API",
    version="1",
    description="Upload photos, follow their classification, list your history.",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)
api.add_router("/", accounts_router)
api.add_router("/submissions", submissions_router)


def anyone(request: HttpRequest) -> bool:
    """Lets a request through without credentials; tried after the real ones."""
    return True


# The map is public: a token or session makes the reader's own sightings exact.
api.add_router("/sightings", map_router, auth=[BearerToken(), django_auth, anyone])


@api.exception_handler(ImageRejected)
def image_rejected(request: HttpRequest, error: ImageRejected) -> HttpResponse:
    return api.create_response(request, {"detail": error.message}, status=error.status)


@api.exception_handler(StorageUnavailable)
def storage_unavailable(request: HttpRequest, error: StorageUnavailable) -> HttpResponse:
    """503: nothing was stored, and the same upload may well succeed a little later."""
    response = api.create_response(request, {"detail": error.message}, status=503)
    response["Retry-After"] = str(error.retry_after)
    return response


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """400 with one readable sentence, like every other refusal of this API."""
    return api.create_response(request, {"detail": _describe(error.errors)}, status=400)


def _describe(errors: list[dict[str, Any]]) -> str:
    messages = []
    for error in errors:
        # loc is e.g. ("query", "bbox"); a check of several fields ends at the source.
        where = [str(part) for part in error.get("loc", ()) if part not in SOURCES]
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        messages.append(f"{where[-1]}: {message}" if where else message)
    return "; ".join(messages)
