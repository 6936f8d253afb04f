"""The one base for public, read-only API endpoints.

It fixes, for every public endpoint: anonymous access, throttling (429 with ``Retry-After``), JSON,
pagination (page numbers for people, a cursor for harvesting), strict query parameters (an unknown
or misspelt parameter is a 400, never silently ignored), the response language, and HTTP caching
(``ETag``/``Last-Modified`` with 304, ``Cache-Control``, ``Vary``). Each of these lives in its own
module beside this one (pagination, throttling, filters, caching, language, renderers, schema).
"""

from typing import TYPE_CHECKING, Any, NoReturn

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from rest_framework import generics, permissions, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response

from sites.operations.response_cache import read_ahead

from .caching import (
    CACHE_CONTROL,
    NotModified,
    Stamp,
    Validators,
    conditional_validators,
    request_not_modified,
    set_validators,
)
from .filters import PublicFilterBackend
from .language import PUBLIC_LANGUAGES, public_language
from .pagination import PublicPagination
from .renderers import FastJSONRenderer
from .schema import PublicAutoSchema
from .throttling import PublicAnonThrottle, PublicThrottled

if TYPE_CHECKING:
    # What the mixin is mixed into, so its overrides and ``super()`` calls are checked.
    _EndpointBase = generics.GenericAPIView[Any]
else:
    _EndpointBase = object


class PublicEndpointMixin(_EndpointBase):
    """What every public endpoint shares; see the module docstring.

    Set ``change_stamp`` to a function returning ``(last_modified, token)`` to answer conditional
    requests with 304 before the endpoint does any work, and ``response_cache`` to keep whole
    responses in the shared cache under that stamp, or under its own stamp function
    (sites/operations/response_cache.py).
    """

    schema = PublicAutoSchema()
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [PublicAnonThrottle]
    filter_backends = [PublicFilterBackend]
    renderer_classes = [FastJSONRenderer]
    change_stamp: Stamp | None = None
    response_cache: bool | Stamp = False
    filtered_actions: tuple[str, ...] = ("list",)
    paginated_actions: tuple[str, ...] = ("list",)
    extra_query_params: tuple[str, ...] = ()

    def allowed_query_params(self) -> set[str]:
        allowed = {"lang", *self.extra_query_params}
        action = getattr(self, "action", None)
        paginator_class = getattr(self, "pagination_class", None)
        if action in self.paginated_actions and paginator_class is not None:
            allowed |= {"page", "page_size"}
            if issubclass(paginator_class, PublicPagination):
                allowed.add("cursor")
        filterset_class = getattr(self, "filterset_class", None)
        if action in self.filtered_actions and filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        return allowed

    def check_query_params(self, request: Request) -> None:
        """Unknown and repeated parameters are a 400: a value is never silently dropped."""
        allowed_params = self.allowed_query_params()
        errors: dict[str, list[str]] = {}
        unknown = sorted(set(request.query_params) - allowed_params)
        if unknown:
            message = gettext("Ukjent parameter. Tillatte parametere: %(allowed)s.") % {
                "allowed": ", ".join(sorted(allowed_params))
            }
            errors.update({name: [message] for name in unknown})
        for name, values in request.query_params.lists():
            if len(values) > 1 and name not in errors:
                errors[name] = [
                    gettext(
                        "Oppgitt %(n)d ganger. Gi parameteren én gang; flere verdier skilles "
                        "med komma (%(name)s=a,b) der parameteren tillater det."
                    )
                    % {"n": len(values), "name": name}
                ]
        lang = request.query_params.get("lang")
        if lang is not None and lang not in PUBLIC_LANGUAGES and "lang" not in errors:
            errors["lang"] = [gettext("Må være nb, nn eller en.")]
        if errors:
            raise ValidationError(errors)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # ``lang=`` chooses the language of everything the endpoint says, errors included.
        lang = request.GET.get("lang")
        if lang in PUBLIC_LANGUAGES:
            with translation.override(lang):
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise PublicThrottled(wait)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "lang": public_language(self.request)}

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if request.method in ("GET", "HEAD"):
            # The kept stamp and the client's rate-limit count in one round trip to the cache
            # (nothing more when the response cache read them already).
            throttled = PublicAnonThrottle in self.throttle_classes
            read_ahead(request._request, type(self).change_stamp, throttled=throttled)
        super().initial(request, *args, **kwargs)
        self.check_query_params(request)
        self._validators: Validators | None = None
        stamp_fn = type(self).change_stamp
        if stamp_fn is not None and request.method in ("GET", "HEAD"):
            self._validators = conditional_validators(
                request, stamp=stamp_fn, lang=public_language(request)
            )
            if request_not_modified(request, self._validators):
                raise NotModified

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, NotModified):
            return Response(status=304)
        if isinstance(exc, Http404):
            # Django's text names the model, in English; the public reads "Not found" in its
            # own language.
            exc = NotFound(gettext("Ikke funnet."))
        return super().handle_exception(exc)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code in (200, 304):
            validators = getattr(self, "_validators", None)
            if validators is not None:
                set_validators(response, validators)
            response["Cache-Control"] = CACHE_CONTROL
        response["Content-Language"] = public_language(request)  # errors are in it too
        patch_vary_headers(response, ("Accept-Language",))
        if isinstance(response, Response):
            response.add_post_render_callback(self._let_go)
        return response

    def _let_go(self, response: Response) -> None:
        """Once the answer is rendered, drop what the request read: the view and its request refer
        to each other (DRF's parser context), so everything the view held (a page of studies,
        their sites) would otherwise wait for Python's cycle collector."""
        self.__dict__.pop("_paginator", None)
        self.__dict__.pop("response", None)  # the response's renderer context names the view
        self.request.parser_context = {}


class PublicReadOnlyViewSet(PublicEndpointMixin, viewsets.ReadOnlyModelViewSet):
    """Anonymous, throttled, JSON only. Subclasses supply a queryset from a ``public`` selector."""

    pagination_class: type[BasePagination] | None = PublicPagination


class PublicAPIView(PublicEndpointMixin, generics.GenericAPIView):
    """A single public resource that is not a list of rows (statistics, …)."""

    pagination_class = None
