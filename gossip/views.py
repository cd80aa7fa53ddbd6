"""The gossip endpoints, /gossip/v1/… (docs/gossip.md), and the peers page.

Machine to machine: no session, so no CSRF; no login, because records carry their
origin's signature. Each request is checked before anything is parsed, cheapest
first: the method, the caller's rate, the content type, the size (the
Content-Length, then the bytes as they are read). Refusals are 4xx with a JSON
`{"error": …}`.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from pydantic import BaseModel, ValidationError

from gossip import selectors, services
from gossip.identity import gossip_enabled, node_key
from gossip.protocol import messages
from gossip.protocol.records import validation_reason

CHUNK_BYTES = 64 * 1024


@csrf_exempt  # so that a POST gets its 405, not a CSRF page
def info(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return _error(405, "method not allowed", Allow="GET")
    return _refusal(request) or _json(services.info_answer())


@csrf_exempt
def probe(request: HttpRequest) -> HttpResponse:
    return _post(request, messages.ProbeRequest, lambda m: services.probe_answer(request=m))


@csrf_exempt
def exchange(request: HttpRequest) -> HttpResponse:
    return _post(request, messages.ExchangeRequest, lambda m: services.exchange_answer(request=m))


@csrf_exempt
def updates(request: HttpRequest) -> HttpResponse:
    return _post(request, messages.UpdatesRequest, lambda m: services.updates_answer(request=m))


@csrf_exempt
def not_found(request: HttpRequest) -> HttpResponse:
    """Any other /gossip/vN/… path, such as a protocol version this node does not speak."""
    return _error(404, "not found")


def peers_page(request: HttpRequest) -> HttpResponse:
    """Who this node gossips with. Public, like the map: node ids are public keys, the
    addresses are what every peer shares anyway, and no private key is anywhere near."""
    context = {
        "enabled": gossip_enabled(),
        "node_id": node_key().node_id if gossip_enabled() else None,
        "base_url": settings.GOSSIP_BASE_URL,
        "seeds": settings.GOSSIP_SEEDS,
        "records_held": selectors.records_held(),
        "rows": selectors.peers_overview(),
        "candidates": selectors.candidates_count(),
        "now": timezone.now(),
    }
    return render(request, "gossip/peers.html", context)


def _post[M: BaseModel](
    request: HttpRequest, kind: type[M], answer: Callable[[M], messages.Message]
) -> HttpResponse:
    if request.method != "POST":
        return _error(405, "method not allowed", Allow="POST")
    if refusal := _refusal(request):
        return refusal
    if request.content_type != "application/json":
        return _error(415, "expected application/json")
    body = _body(request, settings.GOSSIP_MAX_BODY)
    if body is None:
        return _error(413, f"body over {settings.GOSSIP_MAX_BODY} bytes")
    try:
        message = messages.decode(kind, body)
    except ValidationError as error:
        return _error(400, validation_reason(error, whole="body"))
    return _json(answer(message))


def _refusal(request: HttpRequest) -> HttpResponse | None:
    """404 when gossip is off here; 429 when the caller asks too often."""
    if not gossip_enabled():
        return _error(404, "gossip is off on this node")
    wait = services.inbound_admit(client=caller_address(request), now=timezone.now())
    if wait:
        return _error(429, "too many requests", **{"Retry-After": str(wait)})
    return None


def caller_address(request: HttpRequest) -> str:
    """The caller's address. Behind our own proxy that is the last X-Forwarded-For entry:
    the one the proxy added (any before it, the caller may have made up)."""
    forwarded = request.headers.get("X-Forwarded-For", "")
    if settings.BEHIND_PROXY and forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _body(request: HttpRequest, limit: int) -> bytes | None:
    """The body, or None if it is over `limit` bytes; read in chunks, never more than that.

    Read from the stream rather than request.body, which stops at Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) with a 400 instead of a 413.
    """
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    while chunk := request.read(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _json(message: messages.Message) -> HttpResponse:
    return HttpResponse(messages.encode(message), content_type="application/json")


def _error(status: int, error: str, **headers: str) -> HttpResponse:
    return JsonResponse({"error": error}, status=status, headers=headers)
