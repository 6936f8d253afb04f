"""The one base for public, read-only API endpoints.

It fixes, for every public endpoint: anonymous access, throttling (429 with ``Retry-After``), JSON,
pagination (page numbers for people, a cursor for harvesting), strict query parameters (an unknown
or misspelt parameter is a 400, never silently ignored), the response language, and HTTP caching
(``ETag``/``Last-Modified`` with 304, ``Cache-Control``, ``Vary``).
"""

import base64
import hashlib
import math
from collections.abc import Callable
from datetime import datetime
from urllib.parse import parse_qs

import django_filters
import orjson
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.translation import gettext, ngettext
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics, pagination, permissions, renderers, throttling, viewsets
from rest_framework.exceptions import NotFound, Throttled, ValidationError
from rest_framework.response import Response

from sites.security.addresses import client_address

from .schema import PublicAutoSchema

PUBLIC_LANGUAGES = ("nb", "nn", "en")
CACHE_CONTROL = "public, max-age=60"


class BoundedCountPaginator(Paginator):
    """Counts at most ``count_limit`` rows (more when a deeper page is asked for), so the first
    pages of a huge result cost about as much as those of a small one."""

    count_limit = 500

    def __init__(self, *args, wanted_page: int = 1, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.count_limit = max(self.count_limit, wanted_page * self.per_page)

    @cached_property
    def raw_count(self) -> int:
        # A list that is not a queryset (the nearest-first walk) counts itself, boundedly.
        count_up_to = getattr(self.object_list, "count_up_to", None)
        if count_up_to is not None:
            return count_up_to(self.count_limit + 1)
        # Without ORDER BY the database may stop as soon as it has seen count_limit + 1 rows, and
        # selecting only the key leaves out per-row annotations (such as enrolment counts).
        return self.object_list.order_by().values("pk")[: self.count_limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.raw_count, self.count_limit)

    @cached_property
    def num_pages(self) -> int:
        # From the raw count, so there is a next page when more rows exist than were counted.
        return max(1, math.ceil(self.raw_count / self.per_page))

    @property
    def count_exact(self) -> bool:
        return self.raw_count <= self.count_limit


class FastJSONRenderer(renderers.JSONRenderer):
    """DRF's JSON, byte for byte, encoded by orjson: ten times faster on a page of studies.

    What orjson does not encode as DRF would (datetimes, decimals, lazy texts, …) goes through
    DRF's own encoder; an indented response (``Accept: application/json; indent=2``) and anything
    orjson refuses are left to DRF.
    """

    _options = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}) is None:
            try:
                out = orjson.dumps(data, default=self.encoder_class().default, option=self._options)
            except TypeError:
                pass  # orjson.JSONEncodeError: left to DRF, which raises or encodes it
            else:
                # As DRF: U+2028 and U+2029 escaped, so the JSON is valid JavaScript too.
                return out.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
        return super().render(data, accepted_media_type, renderer_context)


class PublicPageNumberPagination(pagination.PageNumberPagination):
    django_paginator_class = BoundedCountPaginator
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isdigit() and 1 <= int(raw) <= self.max_page_size):
            raise ValidationError(
                {
                    "page_size": [
                        gettext("Må være et heltall fra 1 til %(max)d.")
                        % {"max": self.max_page_size}
                    ]
                }
            )
        return super().get_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not (raw.isdigit() and 1 <= int(raw) <= 100_000):
            raise ValidationError({"page": [gettext("Må være et positivt heltall.")]})
        self.request = request
        wanted = int(raw) if raw else 1
        paginator = self.django_paginator_class(
            queryset, self.get_page_size(request), wanted_page=wanted
        )
        try:
            self.page = paginator.page(wanted)
        except InvalidPage as exc:
            raise NotFound(gettext("Side %(page)d finnes ikke.") % {"page": wanted}) from exc
        return list(self.page)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_exact": self.page.paginator.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )


class HarvestCursorPagination(pagination.CursorPagination):
    """A stable walk over the whole list in public-id order, for harvesters."""

    ordering = "public_id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded:
            try:
                text = base64.b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
                tokens = parse_qs(text, keep_blank_values=True, strict_parsing=True)
            except (ValueError, UnicodeError) as exc:
                raise ValidationError({"cursor": [gettext("Ugyldig markør (cursor).")]}) from exc
            if not tokens or set(tokens) - {"o", "r", "p"}:
                raise ValidationError({"cursor": [gettext("Ugyldig markør (cursor).")]})
        try:
            return super().decode_cursor(request)
        except Exception as exc:
            raise ValidationError({"cursor": [gettext("Ugyldig markør (cursor).")]}) from exc

    def get_paginated_response(self, data):
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )


class PublicPagination(pagination.BasePagination):
    """Page numbers by default; ``?cursor=`` (empty to start) switches to the harvesting cursor."""

    def __init__(self) -> None:
        self.pages = PublicPageNumberPagination()
        self.cursor = HarvestCursorPagination()
        self.active: pagination.BasePagination = self.pages

    def paginate_queryset(self, queryset, request, view=None):
        self.active = self.cursor if "cursor" in request.query_params else self.pages
        return self.active.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return self.active.get_paginated_response(data)

    def get_schema_operation_parameters(self, view):
        params = self.pages.get_schema_operation_parameters(view)
        cursor = self.cursor.get_schema_operation_parameters(view)
        for param in cursor:
            if param["name"] == "cursor":
                param["description"] = (
                    "Markør for høsting av hele listen i stabil rekkefølge; tom for å begynne."
                )
                params.append(param)
        for param in params:
            if param["name"] in ("page", "page_size"):
                param["schema"] = {"type": "integer", "minimum": 1}
                if param["name"] == "page_size":
                    param["schema"]["maximum"] = 100
        return params

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": "Antall treff; eksakt når count_exact er true, ellers minst så mange.",
                },
                "count_exact": {"type": "boolean"},
                "next": link,
                "previous": link,
                "results": schema,
            },
        }


class PublicFilterBackend(DjangoFilterBackend):
    """django-filter, without building and validating a form of every filter when the request
    names none of them (a harvester's cursor walk, the first page): the queryset is returned as
    the view ordered it, which is what an empty filter gives."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and request.query_params.keys().isdisjoint(
            filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


class NamedFiltersFilterSet(django_filters.FilterSet):
    """A FilterSet that copies, validates and applies only the filters the request names.

    django-filter deep-copies every filter and every form field for each request, and builds the
    form class anew; with eighteen filters that is more work than a request naming two of them
    needs. Filters the request does not name would do nothing anyway (an absent value filters
    nothing), so leaving them out changes no result. For filters read from one parameter each.
    """

    _form_classes: dict[tuple[str, ...], type]
    FORM_CLASSES_KEPT = 256  # combinations of named filters, per filterset class

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if data is not None and prefix is None:
            # Read by BaseFilterSet.__init__ as the filters to copy.
            self.base_filters = {
                name: filter_ for name, filter_ in type(self).base_filters.items() if name in data
            }
        super().__init__(data, queryset, request=request, prefix=prefix)

    def get_form_class(self):
        # No form field depends on the request, so one class per combination of named filters.
        cls = type(self)
        if "_form_classes" not in cls.__dict__:
            cls._form_classes = {}
        key = tuple(self.filters)
        form_class = cls._form_classes.get(key)
        if form_class is None:
            form_class = super().get_form_class()
            if len(cls._form_classes) < self.FORM_CLASSES_KEPT:
                cls._form_classes[key] = form_class
        return form_class


class ClientAddressThrottle(throttling.AnonRateThrottle):
    """Anonymous rate limit keyed on the client's address as the trusted proxies saw it.

    DRF's own reading takes a client's ``X-Forwarded-For`` at its word when no proxy count is set,
    so a made-up header would start a fresh budget; ``client_address`` ignores what the client
    wrote and takes the entry the proxies added (``TRUSTED_PROXY_COUNT``).
    """

    def get_ident(self, request) -> str:
        return client_address(request=request) or ""


class PublicAnonThrottle(ClientAddressThrottle):
    """Per-address rate limit for the public; DRF answers 429 with ``Retry-After``.

    Public endpoints sign in nobody, so everyone is limited by address (also a back-office user
    with a session, on the plain Django views such as FHIR that share this limit).
    """

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def public_language(request) -> str:
    """``lang=`` if given (validated by the view), else the Accept-Language negotiation."""
    lang = request.query_params.get("lang") if hasattr(request, "query_params") else None
    if lang in PUBLIC_LANGUAGES:
        return lang
    current = (translation.get_language() or "nb").split("-")[0]
    return current if current in PUBLIC_LANGUAGES else "nb"


Validators = tuple[str, datetime | None]


def conditional_validators(
    request, *, stamp: Callable[[], tuple[datetime | None, str]], lang: str
) -> Validators:
    """``(ETag, Last-Modified)`` of a public response: the change stamp, the URL and language."""
    last_modified, token = stamp()
    raw = f"{token}|{request.get_full_path()}|{lang}"
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"', last_modified


def _opaque_tag(tag: str) -> str:
    """An entity tag without its weakness mark and quotes: ``W/"x"`` and ``"x"`` are both ``x``."""
    return tag.removeprefix("W/").strip('"')


def request_not_modified(request, validators: Validators) -> bool:
    """The client's copy is current (``If-None-Match`` wins over ``If-Modified-Since``).

    ``If-None-Match`` uses the weak comparison (RFC 9110, 13.1.2): a proxy or a client that
    compressed the body hands back ``W/"…"``, and that copy is as current as ``"…"``.
    """
    etag, last_modified = validators
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = parse_etags(if_none_match)
        return "*" in tags or _opaque_tag(etag) in {_opaque_tag(tag) for tag in tags}
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return (
        since is not None and last_modified is not None and int(last_modified.timestamp()) <= since
    )


def set_validators(response, validators: Validators) -> None:
    etag, last_modified = validators
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())


class PublicThrottled(Throttled):
    """429 in the language of the request, whole: DRF's own adds an English sentence to the
    Norwegian one."""

    def __init__(self, wait: float | None) -> None:
        super().__init__(detail=throttled_message(wait))
        self.wait = None if wait is None else math.ceil(wait)


def throttled_message(wait: float | None) -> str:
    message = gettext("For mange forespørsler.")
    if wait is None:
        return message
    seconds = max(1, math.ceil(wait))
    again = ngettext(
        "Prøv igjen om %(seconds)d sekund.", "Prøv igjen om %(seconds)d sekunder.", seconds
    )
    return f"{message} {again % {'seconds': seconds}}"


class NotModified(Exception):
    """Raised before any work is done when the client's copy is current; answered with 304."""


class PublicEndpointMixin:
    """What every public endpoint shares; see the module docstring.

    Set ``change_stamp`` to a function returning ``(last_modified, token)`` to answer conditional
    requests with 304 before the endpoint does any work, and ``response_cache`` to keep whole
    responses in the shared cache under that stamp, or under its own stamp function
    (sites/operations/response_cache.py).
    """

    schema = PublicAutoSchema()
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [PublicAnonThrottle]
    filter_backends = [PublicFilterBackend]
    renderer_classes = [FastJSONRenderer]
    change_stamp: Callable[[], tuple[datetime | None, str]] | None = None
    response_cache: bool | Callable[[], tuple[datetime | None, str]] = False
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

    def check_query_params(self, request) -> None:
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

    def dispatch(self, request, *args, **kwargs):
        # ``lang=`` chooses the language of everything the endpoint says, errors included.
        lang = request.GET.get("lang")
        if lang in PUBLIC_LANGUAGES:
            with translation.override(lang):
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def throttled(self, request, wait):
        raise PublicThrottled(wait)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "lang": public_language(self.request)}

    def initial(self, request, *args, **kwargs):
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

    def handle_exception(self, exc):
        if isinstance(exc, NotModified):
            return Response(status=304)
        if isinstance(exc, Http404):
            # Django's text names the model, in English; the public reads "Not found" in its
            # own language.
            exc = NotFound(gettext("Ikke funnet."))
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code in (200, 304):
            validators = getattr(self, "_validators", None)
            if validators is not None:
                set_validators(response, validators)
            response["Cache-Control"] = CACHE_CONTROL
        response["Content-Language"] = public_language(request)  # errors are in it too
        patch_vary_headers(response, ("Accept-Language",))
        return response


class PublicReadOnlyViewSet(PublicEndpointMixin, viewsets.ReadOnlyModelViewSet):
    """Anonymous, throttled, JSON only. Subclasses supply a queryset from a ``public`` selector."""

    pagination_class = PublicPagination


class PublicAPIView(PublicEndpointMixin, generics.GenericAPIView):
    """A single public resource that is not a list of rows (statistics, …)."""

    pagination_class = None
