"""Security headers Django does not set itself: Content-Security-Policy, and no-store on the admin."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control

from ..selectors import user_language


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(f"{k} {v}" for k, v in settings.CONTENT_SECURITY_POLICY.items())

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        if request.path.startswith(settings.ADMIN_URL_PREFIX):
            patch_cache_control(response, no_store=True, private=True)
        return response


class NorwegianFirstLocaleMiddleware(LocaleMiddleware):
    """Bokmål unless the user chose otherwise (the language cookie set by ``/i18n/setlang/``).

    A browser's Accept-Language is honoured by the public API and FHIR, where it is part of the
    contract, and by the admin (where a signed-in user's stored choice then wins, see
    ``AdminLanguageMiddleware``); the study finder, which has its own ``?lang=`` switch, stays
    Norwegian for a visitor whose browser happens to be set to English.
    """

    def process_request(self, request):
        if request.path.startswith(("/api/", "/fhir/", settings.ADMIN_URL_PREFIX)):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class AdminLanguageMiddleware:
    """In the admin, the language a signed-in user chose (stored on their preferences) wins over
    the cookie and the browser's Accept-Language. Runs after the authentication middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(settings.ADMIN_URL_PREFIX):
            chosen = user_language(user=request.user)
            if chosen:
                translation.activate(chosen)
                request.LANGUAGE_CODE = chosen
        return self.get_response(request)
