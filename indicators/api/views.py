"""The public indicator API: the catalogue, its values (JSON, paginated) and a CSV per indicator.

Every value goes through ``publication.public_values`` (disclosure control); scopes are named by
region code and organisation number, never by internal ids.
"""

import csv
import io
from dataclasses import fields
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from sites.api.endpoints import PublicReadOnlyViewSet
from sites.api.pagination import PublicPageNumberPagination
from sites.api.renderers import FastJSONRenderer
from sites.models import Organisation, Region
from sites.spreadsheet import csv_row

from .. import selectors
from ..models import Indicator, IndicatorSnapshot, ScopeKind
from ..periods import Period, previous_month
from ..publication import PublicValue, public_values, snapshot_public
from ..selectors import Scope
from .serializers import PublicIndicatorSerializer, PublicValuePageSerializer

LEVELS = {
    "national": [ScopeKind.NATIONAL],
    "region": [ScopeKind.REGION],
    "trust": [ScopeKind.TRUST],
    "organisation": [ScopeKind.ORGANISATION],
    "all": list(ScopeKind.values),
}

VALUE_PARAMETERS = [
    OpenApiParameter(
        "period", str, description="ÅÅÅÅ-MM (måned), ÅÅÅÅ (år) eller ÅÅÅÅ-01..MM (hittil i år)."
    ),
    OpenApiParameter("region", str, description="Regionkode, f.eks. helse-vest."),
    OpenApiParameter("organisation", str, description="Organisasjonsnummer (9 siffer)."),
    OpenApiParameter(
        "health_trust",
        str,
        description="Organisasjonsnummeret til et helseforetak: foretaket med sykehusene under.",
    ),
    OpenApiParameter(
        "level",
        str,
        enum=list(LEVELS),
        description="Alle omfang på ett nivå (uten region/organisation/health_trust); "
        "standard er national.",
    ),
    OpenApiParameter("breakdown", str, description="Nedbryting (tom for totalen), f.eks. sex."),
]


class CSVRenderer(renderers.BaseRenderer):
    """The CSV download; an error (a dict) is rendered as JSON text."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data.encode("utf-8")
        return FastJSONRenderer().render(data)


def _scope_filter(params) -> dict:
    """The documented ways to name a scope; anything else (an internal id) is a 400."""
    if params.get("region"):
        region = Region.objects.filter(code=params["region"]).first()
        if region is None:
            codes = ", ".join(Region.objects.order_by("code").values_list("code", flat=True))
            raise drf_serializers.ValidationError(
                {"region": [f"Ukjent regionkode «{params['region']}». Gyldige koder: {codes}."]}
            )
        return {"scope_kind": ScopeKind.REGION, "region": region}
    for param, kind in (
        ("organisation", ScopeKind.ORGANISATION),
        ("health_trust", ScopeKind.TRUST),
    ):
        if params.get(param):
            orgnr = params[param]
            org = Organisation.objects.filter(orgnr=orgnr).first() if len(orgnr) == 9 else None
            if org is None or not orgnr.isdigit():
                raise drf_serializers.ValidationError(
                    {param: ["Ukjent organisasjonsnummer: bruk de 9 sifrene i Enhetsregisteret."]}
                )
            return {"scope_kind": kind, "organisation": org}
    level = params.get("level", "national")
    if level not in LEVELS:
        raise drf_serializers.ValidationError({"level": [f"Må være en av: {', '.join(LEVELS)}."]})
    return {"scope_kind__in": LEVELS[level]}


def _period_filter(params) -> dict:
    if not params.get("period"):
        return {}
    try:
        period = Period.parse(params["period"])
    except ValidationError as exc:
        raise drf_serializers.ValidationError({"period": exc.messages}) from exc
    return {"period_kind": period.kind, "period_start": period.start}


def indicator_values(indicator: Indicator, params) -> QuerySet[IndicatorSnapshot]:
    """The indicator's public values matching the request's filters, in a stable order."""
    qs = snapshot_public().filter(
        indicator=indicator, **_period_filter(params), **_scope_filter(params)
    )
    if "breakdown" in params:
        qs = qs.filter(breakdown=params["breakdown"])
    return qs.order_by("-period_start", "period_kind", "scope_key", "breakdown", "breakdown_value")


NUMBER_COLUMNS = ("value", "numerator", "denominator")


def values_csv(values: list[PublicValue]) -> str:
    """Numbers as numbers (a negative growth stays a number), text made safe by ``csv_row``."""
    out = io.StringIO()
    writer = csv.writer(out)
    names = [f.name for f in fields(PublicValue)]
    writer.writerow(names)
    for value in values:
        # getattr, not dataclasses.astuple: that deep-copies every field of every row.
        row = [
            Decimal(cell) if name in NUMBER_COLUMNS and cell is not None else cell
            for name, cell in ((name, getattr(value, name)) for name in names)
        ]
        writer.writerow(csv_row(row))
    return out.getvalue()


def _public_scope(params) -> tuple[Scope, str]:
    """The scope named by ``region``, ``organisation`` or ``health_trust`` (national without), and
    its public name."""
    found = _scope_filter({k: v for k, v in params.items() if k != "level"})
    if "region" in found:
        region = found["region"]
        return selectors.scope_for_region(region), f"region:{region.code}"
    if "organisation" in found:
        prefix = "hf" if found["scope_kind"] == ScopeKind.TRUST else "org"
        org = found["organisation"]
        return Scope(f"{prefix}:{org.pk}", org.name, org.region), f"{prefix}:{org.orgnr}"
    return selectors.NATIONAL_SCOPE, "national"


class DataQualityFlagSerializer(drf_serializers.Serializer):
    code = drf_serializers.CharField()
    # A declared field, gathered by the serializer's metaclass; the stubs read it as Field.label.
    label = drf_serializers.CharField()  # type: ignore[assignment]
    count = drf_serializers.IntegerField(help_text="Antall studier med flagget.")


class DataQualitySerializer(drf_serializers.Serializer):
    scope = drf_serializers.CharField()
    flags = DataQualityFlagSerializer(many=True)


class PublicIndicatorViewSet(PublicReadOnlyViewSet):
    """The action plan's indicators and their monthly or yearly values (aggregates only)."""

    serializer_class = PublicIndicatorSerializer
    lookup_field = "code"
    extra_query_params = ("period", "region", "organisation", "health_trust", "level", "breakdown")
    pagination_class = PublicPageNumberPagination  # A short catalogue: no harvesting cursor.
    paginated_actions = ("list", "values")
    queryset = Indicator.objects.order_by("focus_area", "code")

    def finalize_response(self, request, response, *args, **kwargs):
        # An error from the CSV download is JSON, as the schema documents for every error.
        if response.status_code >= 400 and isinstance(
            getattr(request, "accepted_renderer", None), CSVRenderer
        ):
            response.content_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        parameters=[
            *VALUE_PARAMETERS,
            OpenApiParameter("page", int, description="Sidenummer; følg «next» for resten."),
            OpenApiParameter("page_size", int, description="Rader per side, 1–100 (standard 20)."),
        ],
        responses=PublicValuePageSerializer,
    )
    @action(detail=True, methods=["get"])
    def values(self, request, code=None):
        """Values by ``period``, ``region`` (code), ``organisation`` (orgnr), ``health_trust``
        (orgnr of an HF: its hospitals rolled up) or ``level``; counts of people are
        disclosure-controlled (see README, "Disclosure control")."""
        indicator = get_object_or_404(Indicator, code=code)
        page = self.paginate_queryset(indicator_values(indicator, request.query_params))
        data = [vars(value) for value in public_values(page or [])]
        return self.get_paginated_response(data)

    @extend_schema(parameters=VALUE_PARAMETERS[1:4], responses=DataQualitySerializer)
    @action(detail=False, methods=["get"], url_path="data-quality", pagination_class=None)
    def data_quality(self, request):
        """Data-quality flags on the studies led from a scope (counts only): the same definition
        as the back office's flags and the monthly report."""
        scope, name = _public_scope(request.query_params)
        flags = selectors.data_quality_flags(period=previous_month(), scope=scope)
        counts = [{"code": f.code, "label": f.label, "count": f.count} for f in flags]
        return Response({"scope": name, "flags": counts})

    @extend_schema(
        parameters=VALUE_PARAMETERS,
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV, UTF-8")},
    )
    @action(detail=True, methods=["get"], url_path="csv", renderer_classes=[CSVRenderer])
    def csv(self, request, code=None):
        """Every value matching the filters as CSV (UTF-8, safe to open in a spreadsheet)."""
        indicator = get_object_or_404(Indicator, code=code)
        values = public_values(list(indicator_values(indicator, request.query_params)))
        response = Response(values_csv(values), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="indikator-{indicator.code}.csv"'
        return response
