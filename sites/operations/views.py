"""Health endpoints for load balancers, and error pages that never show internals."""

import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from django.views.decorators.cache import never_cache

from sites.security.security_log import security_event

from . import selectors

logger = logging.getLogger(__name__)

_UNAVAILABLE = "Tjenesten er midlertidig utilgjengelig. Prøv igjen om litt."
_ERROR = "Det oppstod en feil hos oss. Prøv igjen senere."
_REFUSED = "Du har ikke tilgang til denne siden."
_BAD_REQUEST = "Forespørselen kunne ikke leses."
_TOO_LARGE = "Forespørselen er for stor (høyst {limit} byte). Del den opp i mindre deler."


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
    response: HttpResponse
    if _wants_json(request):
        response = JsonResponse({"detail": message}, status=status)
    else:
        response = HttpResponse(_error_page(request, message, status), status=status)
    response["Cache-Control"] = "no-store"
    return response


def _error_page(request, message: str, status: int) -> str:
    """The site's own page (``error.html``) in the language asked for (``?lang=nn|en``); the bare
    page when even the template cannot be rendered."""
    lang = request.GET.get("lang", "")
    lang = lang if lang in ("nn", "en") else "nb"
    try:
        with translation.override(lang):
            return render_to_string(
                "error.html", {"status": status, "message": message, "lang": lang}, request=request
            )
    except Exception:  # noqa: BLE001 - an error page must never fail
        logger.exception("error_page_failed")
        return (
            f"<!doctype html><html lang=nb><title>{status}</title><h1>{status}</h1><p>{message}</p>"
        )


def server_error(request):
    """handler500: a database outage is a 503 (try again); anything else a generic 500.

    Only errors of the connection count as an outage (OperationalError, and InterfaceError when
    the connection is gone). A DataError or IntegrityError is a bug to fix, not a reason to retry.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        response = _plain(request, _UNAVAILABLE, 503)
        response["Retry-After"] = "30"
        return response
    return _plain(request, _ERROR, 500)


def favicon(request):
    """Browsers ask for /favicon.ico on every site (the admin, the API docs); answer, not 404."""
    response = HttpResponsePermanentRedirect(static("sites/favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


def bad_request(request, exception=None):
    """handler400: a body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 that says so; else a plain 400."""
    if isinstance(exception, RequestDataTooBig):
        message = _TOO_LARGE.format(limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return _plain(request, message, 413)
    return _plain(request, _BAD_REQUEST, 400)


def permission_denied(request, exception=None):
    security_event("access_refused", request=request, level=logging.WARNING, status=403)
    return _plain(request, _REFUSED, 403)
