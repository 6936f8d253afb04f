from django.http import HttpResponse
from django.utils.html import escape
from django.utils.translation import gettext as _


def lockout_response(request, response=None, credentials=None, *args, **kwargs) -> HttpResponse:
    """429 with a message a locked-out user understands (called by django-axes)."""
    message = _(
        "For mange mislykkede innlogginger. Kontoen er sperret fra denne adressen. "
        "Kontakt en administrator for å få den låst opp."
    )
    body = f"<!doctype html><title>{escape(_('Sperret'))}</title><h1>{escape(_('Sperret'))}</h1><p>{escape(message)}</p>"
    return HttpResponse(body, status=429)
