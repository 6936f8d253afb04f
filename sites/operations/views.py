"""Health endpoints for load balancers, and error pages that never show internals."""

import logging
import sys

from django.db import Error as DatabaseError  # also InterfaceError: connection gone
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from sites.security.security_log import security_event

from . import selectors

logger = logging.getLogger(__name__)

_UNAVAILABLE = "Tjenesten er midlertidig utilgjengelig. Prøv igjen om litt."
_ERROR = "Det oppstod en feil hos oss. Prøv igjen senere."
_REFUSED = "Du har ikke tilgang til denne siden."


@never_cache
def healthz(request):
    """The process is alive: answers without touching the database or the broker."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    ready, checks = selectors.readiness()
    if not ready:
        status = "unavailable"
    elif checks.get("broker") == "unreachable":
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse({"status": status, "checks": checks}, status=200 if ready else 503)


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "json" in request.headers.get("Accept", "")


def _plain(request, message: str, status: int) -> HttpResponse:
    if _wants_json(request):
        response = JsonResponse({"detail": message}, status=status)
    else:
        response = HttpResponse(
            f"<!doctype html><html lang=nb><title>{status}</title><h1>{status}</h1><p>{message}</p>",
            status=status,
        )
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """handler500: a database outage is a 503 (try again); anything else a generic 500."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DatabaseError):
        response = _plain(request, _UNAVAILABLE, 503)
        response["Retry-After"] = "30"
        return response
    return _plain(request, _ERROR, 500)


def permission_denied(request, exception=None):
    security_event("access_refused", request=request, level=logging.WARNING, status=403)
    return _plain(request, _REFUSED, 403)
