"""Security headers Django does not set itself: Content-Security-Policy, and no-store on the admin."""

from django.conf import settings
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
