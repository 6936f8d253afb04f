"""Security headers Django does not set itself: Content-Security-Policy, and no-store on the admin."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control


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

    A browser's Accept-Language is honoured only by the public API and FHIR, where it is part of
    the contract; the back office and the study finder (which has its own ``?lang=`` switch) stay
    Norwegian for a coordinator whose browser happens to be set to English.
    """

    def process_request(self, request):
        if request.path.startswith(("/api/", "/fhir/")):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
