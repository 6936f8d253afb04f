"""Pagination of public lists: page numbers with a bounded count for people, a cursor for
harvesting."""

import base64
from typing import Any
from urllib.parse import parse_qs, urlencode

from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from django.utils.translation import gettext
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sites.pagination import BoundedCountPaginator

# The parameters that choose a page of a list or its language, not which rows are in it.
NOT_FILTERS = frozenset({"page", "page_size", "lang"})


def search_of(request: Request) -> str:
    """The search a request makes: its path and filter parameters, sorted. The filters read nothing
    else, so two requests with the same search find the same rows."""
    params = sorted(
        (name, value)
        for name, values in request.query_params.lists()
        if name not in NOT_FILTERS
        for value in values
    )
    return f"{request.path}?{urlencode(params)}"


class PublicPageNumberPagination(pagination.PageNumberPagination):
    django_paginator_class: type[BoundedCountPaginator] = BoundedCountPaginator
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int | None:
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

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: APIView | None = None
    ) -> list[Any]:
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not (raw.isdigit() and 1 <= int(raw) <= 100_000):
            raise ValidationError({"page": [gettext("Må være et positivt heltall.")]})
        self.request = request
        wanted = int(raw) if raw else 1
        self.bounded = self.django_paginator_class(
            queryset,
            self.get_page_size(request) or self.page_size,
            wanted_page=wanted,
            count_stamp=getattr(type(view), "change_stamp", None),  # counted once per change
            count_search=search_of(request),
        )
        try:
            self.page = self.bounded.page(wanted)
        except InvalidPage as exc:
            raise NotFound(gettext("Side %(page)d finnes ikke.") % {"page": wanted}) from exc
        return list(self.page)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.bounded.count,
                "count_exact": self.bounded.count_exact,
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
