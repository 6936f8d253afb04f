"""The language choice in the admin header: stored on the user's preferences, kept in a cookie."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .services import user_language_set


@require_POST
def admin_language_choose(request: HttpRequest) -> HttpResponse:
    """Store the chosen language and go back to the page the user was on."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    response = HttpResponseRedirect(target)
    if not request.user.is_authenticated:  # the admin site lets only signed-in staff here
        return response
    try:
        language = user_language_set(user=request.user, language=request.POST.get("language", ""))
    except ValidationError:
        return response
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language or settings.LANGUAGE_CODE,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
