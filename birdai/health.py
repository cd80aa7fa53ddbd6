"""/healthz for "is the process up", /readyz for "can it do its job"."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django_tasks_db.models import DBTaskResult

from submissions.storage import storages_writable
from workers.selectors import workers_alive


class NotReady(Exception):
    """A check failed for a reason worth showing as it is."""


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _queue() -> None:
    DBTaskResult.objects.exists()


def _worker() -> None:
    """Some worker has loaded its model and reported in lately."""
    if workers_alive().serving().exists():
        return
    if failed := workers_alive().failed().latest_first().first():
        raise NotReady(f"worker {failed.name} cannot start: {failed.error}")
    raise NotReady(
        f"no worker has reported in the last {3 * settings.WORKER_HEARTBEAT} s "
        "(start one: python manage.py worker)"
    )


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "storage": storages_writable,
    "queue": _queue,
    "worker": _worker,
}


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    results = {name: _run(check) for name, check in CHECKS.items()}
    counted = [r for name, r in results.items() if name != "worker" or settings.READY_NEEDS_WORKER]
    ready = all(result == "ok" for result in counted)
    body = {
        "ready": ready,
        "checks": results,
        "model": _model() if results["database"] == "ok" else None,
    }
    return JsonResponse(body, status=200 if ready else 503)


# What /readyz shows of a worker's model report (Detector.describe()).
MODEL_SHOWN = (
    *("model", "backend", "device", "classes", "imgsz", "untrained"),
    *("precision", "precision_reason"),  # and why this CPU serves that precision
)


def _model() -> dict[str, Any] | None:
    """What the workers serve: the newest report, and how many workers serve it."""
    serving = workers_alive().serving()
    newest = serving.latest_first().first()
    if newest is None:
        return None
    return {key: newest.model[key] for key in MODEL_SHOWN if key in newest.model} | {
        "batch_size": newest.batch_size,
        "workers": serving.count(),
    }


def _run(check: Callable[[], None]) -> str:
    try:
        check()
    except NotReady as reason:
        return f"error: {reason}"[:500]
    except Exception as error:
        return f"error: {error.__class__.__name__}: {error}"[:300]
    return "ok"
