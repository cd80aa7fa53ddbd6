"""/healthz for "is the process up", /readyz for "can it do its job"."""

from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django_tasks_db.models import DBTaskResult

from birdai.submissions.storage import storages_writable


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _queue() -> None:
    DBTaskResult.objects.exists()


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "storage": storages_writable,
    "queue": _queue,
}


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    results = {name: _run(check) for name, check in CHECKS.items()}
    ready = all(result == "ok" for result in results.values())
    return JsonResponse({"ready": ready, "checks": results}, status=200 if ready else 503)


def _run(check: Callable[[], None]) -> str:
    try:
        check()
    except Exception as error:
        return f"error: {error.__class__.__name__}: {error}"[:300]
    return "ok"
