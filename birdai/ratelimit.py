"""Rate limits on what is worth guessing at or flooding: login, sign-up, tokens, uploads.

One mechanism with gossip's (gossip.services.inbound_admit): a count a minute in
PostgreSQL, so every web process counts against the same limit. Only POSTs count.
Login is keyed by address and username (a guesser at one account, not a whole
classroom behind one NAT), sign-up and tokens by address, uploads by user.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils import timezone

from birdai.bearer import bearer_user
from gossip import services
from gossip.views import caller_address

# URL name → (setting with the limit a minute, what the count is keyed by).
LIMITS = {
    "login": ("RATE_LOGIN", "address+username"),
    "api:token_create": ("RATE_TOKEN", "address"),
    "token_create": ("RATE_TOKEN", "address"),
    "signup": ("RATE_SIGNUP", "address"),
    "api:account_create": ("RATE_SIGNUP", "address"),
    "submissions:create": ("RATE_UPLOAD", "user"),
    "api:submission_create": ("RATE_UPLOAD", "user"),
}


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._refusal(request) if request.method == "POST" else None
        return refusal or self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        name = limited_view(request.path_info)
        if name is None:
            return None
        setting, keyed_by = LIMITS[name]
        rate = getattr(settings, setting)
        if not rate:  # 0: no limit
            return None
        key = _key(request, keyed_by)
        if key is None:  # an anonymous upload, which the view refuses anyway
            return None
        digest = hashlib.sha256(f"{name}|{key}".encode()).hexdigest()[:40]
        wait = services.inbound_admit(client=f"rate:{digest}", now=timezone.now(), rate=rate)
        return _too_many(request, wait) if wait else None


def limited_view(path: str) -> str | None:
    """The URL name of the view at `path` if its POSTs are rate-limited, else None."""
    try:
        name = resolve(path).view_name
    except Resolver404:
        return None
    return name if name in LIMITS else None


def _key(request: HttpRequest, keyed_by: str) -> str | None:
    if keyed_by == "user":  # the page's session, else the API's token
        user = request.user if request.user.is_authenticated else _bearer_user(request)
        return str(user.pk) if user is not None else None
    address = caller_address(request)
    if keyed_by == "address+username":
        return f"{address}|{request.POST.get('username', '').strip().lower()}"
    return address


def _bearer_user(request: HttpRequest) -> User | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return bearer_user(request, token.strip()) if scheme.lower() == "bearer" else None


def _too_many(request: HttpRequest, wait: int) -> HttpResponse:
    message = f"Too many attempts: try again in {wait} seconds."
    # JSON for the API and for the upload page's script (it asks for JSON, shows "detail").
    wants_json = "application/json" in request.headers.get("Accept", "")
    if wants_json or request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(wait)
    return response
