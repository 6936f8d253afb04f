"""Public regions and organisations, with how many published studies are open at each.

These live in ``trials`` rather than ``sites`` because counting studies is trials' knowledge and
``sites`` imports none of the other apps.
"""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from sites.api.endpoints import PublicReadOnlyViewSet
from sites.api.pagination import PublicPageNumberPagination
from sites.models import Organisation, Region
from sites.selectors import organisation_public_id, organisation_public_id_q

from ..industry.api.capability import PublicCapabilityProfileSerializer
from ..industry.selectors.capability import organisation_capability_profile
from ..selectors import search, statistics

FIRST_CAPABILITY_YEAR = 2000


class PublicRegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    orgnr = serializers.CharField()
    open_studies = serializers.SerializerMethodField()

    def get_open_studies(self, region: Region) -> int:
        return self.context["open_counts"].get(region.pk, 0)


class PublicOrganisationSerializer(serializers.Serializer):
    id = serializers.SerializerMethodField(
        help_text="Organisasjonsnummer, eller stabil id org-<n> for en organisasjon uten "
        "(kommunale tjenester, tannhelse). Brukes i /organisations/<id>/ og organisation=."
    )
    orgnr = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices)
    region = serializers.CharField(source="region.code", allow_null=True, default=None)
    municipality = serializers.CharField(source="municipality.code", allow_null=True, default=None)
    municipality_name = serializers.CharField(
        source="municipality.name", allow_null=True, default=None
    )
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    nortrials_centre = serializers.BooleanField()
    open_studies = serializers.SerializerMethodField()

    def get_open_studies(self, organisation: Organisation) -> int:
        return self.context["open_counts"].get(organisation.pk, 0)

    def get_id(self, organisation: Organisation) -> str:
        return organisation_public_id(pk=organisation.pk, orgnr=organisation.orgnr)


class PublicOrganisationDetailSerializer(PublicOrganisationSerializer):
    capability = serializers.SerializerMethodField(
        help_text="Kapasitet og resultater for året (year=, ellers siste hele år)."
    )

    @extend_schema_field(PublicCapabilityProfileSerializer)
    def get_capability(self, organisation: Organisation) -> dict:
        return PublicCapabilityProfileSerializer(self.context["capability"]).data


class _CountsInContextViewSet(PublicReadOnlyViewSet):
    """Counts for the rows on the page in one grouped query, so the query count stays constant."""

    def _counts(self, rows: list[Any]) -> dict[int, int]:
        raise NotImplementedError

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        context = {**self.get_serializer_context(), "open_counts": self._counts(rows)}
        data = self.get_serializer_class()(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        context = {**self.get_serializer_context(), "open_counts": self._counts([obj])}
        return Response(self.get_serializer_class()(obj, context=context).data)


class PublicRegionViewSet(_CountsInContextViewSet):
    """The four regional health authorities (RHF)."""

    serializer_class = PublicRegionSerializer
    pagination_class = None
    lookup_field = "code"
    lookup_value_regex = "[a-z-]+"
    change_stamp = staticmethod(search.public_change_stamp)

    def get_queryset(self) -> QuerySet[Region]:
        return Region.objects.order_by("name")

    def _counts(self, rows: list[Any]) -> dict[int, int]:
        return statistics.open_study_counts_by_region()


class PublicOrganisationFilter(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), to_field_name="code", label="Region (kode)"
    )
    kind = django_filters.ChoiceFilter(choices=Organisation.Kind.choices, label="Type")

    class Meta:
        model = Organisation
        fields: list[str] = []


@extend_schema(description="Organisasjoner i helsetjenesten, med antall studier åpne der.")
class PublicOrganisationViewSet(_CountsInContextViewSet):
    """Organisations in the health service (and partners), with open-study counts; the detail
    adds the organisation's capability profile for a year."""

    serializer_class = PublicOrganisationSerializer
    filterset_class = PublicOrganisationFilter
    pagination_class = PublicPageNumberPagination
    lookup_field = "orgnr"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[0-9]{9}|org-[0-9]+"
    change_stamp = staticmethod(search.public_capability_change_stamp)

    def get_queryset(self) -> QuerySet[Organisation]:
        return statistics.organisation_public_queryset().order_by("name", "id")

    def get_object(self) -> Organisation:
        found = self.get_queryset().filter(organisation_public_id_q([self.kwargs["id"]])).first()
        if found is None:
            raise Http404
        return found

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "retrieve":
            return PublicOrganisationDetailSerializer
        return PublicOrganisationSerializer

    def allowed_query_params(self) -> set[str]:
        allowed = super().allowed_query_params()
        return allowed | {"year"} if self.action == "retrieve" else allowed

    def _counts(self, rows: list[Any]) -> dict[int, int]:
        return statistics.open_study_counts_by_organisation(
            organisation_ids=[row.pk for row in rows]
        )

    def _capability_year(self) -> int:
        this_year = timezone.localdate().year
        raw = self.request.query_params.get("year")
        if raw is None:
            return this_year - 1  # the last whole year: capacity figures are reported yearly
        if not (raw.isdigit() and FIRST_CAPABILITY_YEAR <= int(raw) <= this_year):
            raise ValidationError(
                {"year": [f"Må være et årstall fra {FIRST_CAPABILITY_YEAR} til {this_year}."]}
            )
        return int(raw)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year",
                int,
                description="År for kapasitetsprofilen (standard: siste hele år).",
            )
        ]
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        organisation = self.get_object()
        counts = self._counts([organisation])
        profile = organisation_capability_profile(
            organisation=organisation, year=self._capability_year()
        )
        # What is open here, as everywhere in the public API: published studies only.
        profile["open_studies"] = counts.get(organisation.pk, 0)
        context = {**self.get_serializer_context(), "open_counts": counts, "capability": profile}
        return Response(PublicOrganisationDetailSerializer(organisation, context=context).data)
