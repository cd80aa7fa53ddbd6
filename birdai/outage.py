"""The database cannot be reached: every page and API call answers 503, not 500.

PostgreSQL restarting, a managed database failing over, a network blip: none of
these is a bug in the request, and a client should come back in a few seconds
rather than report an error. Django hands every exception that no view or
middleware handled to handler500 (birdai/urls.py), so this one place sees a lost
database wherever it was noticed: a view, a template, the session, a middleware.

Nothing needs a restart afterwards: Django drops a connection that failed, and
with CONN_HEALTH_CHECKS checks a kept one before reusing it, so the first request
after the database is back connects anew (tests/birdai/test_database_outage.py).
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import server_error

RETRY_AFTER_S = 5
MESSAGE = "The database is unavailable for a moment: please try again in a few seconds."


def server_error_or_outage(request: HttpRequest) -> HttpResponse:
    """handler500: a 503 with Retry-After if the database was lost, else Django's 500."""
    # Called while Django handles the exception, so it is the one being handled.
    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return server_error(request)
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        response = HttpResponse(MESSAGE, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response
