from django.conf import settings
from django.http import HttpResponse
from django.utils.html import escape
from django.utils.translation import gettext as _


def lockout_response(request, response=None, credentials=None, *args, **kwargs) -> HttpResponse:
    """429 with a message a locked-out user understands (called by django-axes).

    The lock is on the account, from every address, and lifts by itself after the cool-off.
    """
    minutes = settings.LOGIN_COOLOFF_MINUTES
    message = _(
        "For mange mislykkede innlogginger. Kontoen er sperret i %(minutes)d minutter. "
        "Prøv igjen senere, eller kontakt en administrator som kan låse den opp."
    ) % {"minutes": minutes}
    body = f"<!doctype html><title>{escape(_('Sperret'))}</title><h1>{escape(_('Sperret'))}</h1><p>{escape(message)}</p>"
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
