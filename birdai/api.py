"""The JSON API at /api/v1/: one NinjaAPI, routers from each app.

Scripts and the autograder authenticate with `Authorization: Bearer <token>`;
the site's own pages call it with their session cookie (CSRF-checked).
The OpenAPI schema is published at /api/v1/openapi.json, docs at /api/v1/docs.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from birdai.accounts.api import router as accounts_router
from birdai.accounts.services import api_token_authenticate
from birdai.submissions.api import router as submissions_router
from birdai.submissions.images import ImageRejected


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


@api.exception_handler(ImageRejected)
def image_rejected(request: HttpRequest, error: ImageRejected) -> HttpResponse:
    return api.create_response(request, {"detail": error.message}, status=error.status)
