from django.core.files.storage import storages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.static import serve


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "birdai/home.html")


def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Serve the public storage from local disk (only when BIRDAI_SERVE_MEDIA is on)."""
    return serve(request, path, document_root=storages["default"].location)  # type: ignore[attr-defined]
