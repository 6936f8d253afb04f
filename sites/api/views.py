"""The edges of the public API: its root, which lists the endpoints, and a JSON 404 for every
path under ``/api/`` that names none (a malformed id, a misspelt endpoint)."""

from django.http import HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from .endpoints import PublicAPIView
from .language import PUBLIC_LANGUAGES


class ApiRootView(PublicAPIView):
    """The endpoints of this version of the API, by name (what a client starts from)."""

    endpoints: dict[str, str] = {}  # name → URL name, given by the URLconf

    @extend_schema(
        responses=inline_serializer(
            "ApiRoot", {"endpoints": serializers.DictField(child=serializers.URLField())}
        )
    )
    def get(self, request, *args, **kwargs):
        urls = {
            name: request.build_absolute_uri(reverse(url)) for name, url in self.endpoints.items()
        }
        return Response({"endpoints": urls})


def api_not_found(request: HttpRequest, *args, **kwargs):
    """A JSON 404 in the language asked for; a path that only lacks its slash is sent on to it,
    as Django's ``APPEND_SLASH`` would (this view matches everything, so Django cannot)."""
    if not request.path.endswith("/") and request.method in ("GET", "HEAD"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                request.path + "/" + (f"?{query}" if query else "")
            )
    lang = request.GET.get("lang")
    with translation.override(lang if lang in PUBLIC_LANGUAGES else translation.get_language()):
        body = {"detail": gettext("Ikke funnet: %(path)s") % {"path": request.path}}
        response = JsonResponse(body, status=404)
        response["Content-Language"] = translation.get_language()
    patch_vary_headers(response, ("Accept-Language",))
    return response
