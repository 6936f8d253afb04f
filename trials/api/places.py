"""Public regions and organisations, with how many published studies are open at each.

These live in ``trials`` rather than ``sites`` because counting studies is trials' knowledge and
``sites`` imports none of the other apps.
"""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from sites.api.base import PublicPageNumberPagination, PublicReadOnlyViewSet
from sites.models import Organisation, Region

from .. import search, statistics


class PublicRegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    orgnr = serializers.CharField()
    open_studies = serializers.SerializerMethodField()

    def get_open_studies(self, region: Region) -> int:
        return self.context["open_counts"].get(region.pk, 0)


class PublicOrganisationSerializer(serializers.Serializer):
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


class _CountsInContextMixin:
    """Counts for the rows on the page in one grouped query, so the query count stays constant."""

    def _counts(self, rows) -> dict[int, int]:
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        context = {**self.get_serializer_context(), "open_counts": self._counts(rows)}
        data = self.get_serializer_class()(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        context = {**self.get_serializer_context(), "open_counts": self._counts([obj])}
        return Response(self.get_serializer_class()(obj, context=context).data)


class PublicRegionViewSet(_CountsInContextMixin, PublicReadOnlyViewSet):
    """The four regional health authorities (RHF)."""

    serializer_class = PublicRegionSerializer
    pagination_class = None
    lookup_field = "code"
    lookup_value_regex = "[a-z-]+"
    change_stamp = staticmethod(search.public_change_stamp)

    def get_queryset(self):
        return Region.objects.order_by("name")

    def _counts(self, rows):
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
class PublicOrganisationViewSet(_CountsInContextMixin, PublicReadOnlyViewSet):
    """Organisations in the health service (and partners), with open-study counts."""

    serializer_class = PublicOrganisationSerializer
    filterset_class = PublicOrganisationFilter
    pagination_class = PublicPageNumberPagination
    lookup_field = "orgnr"
    lookup_value_regex = "[0-9]{9}"
    change_stamp = staticmethod(search.public_change_stamp)

    def get_queryset(self):
        return statistics.organisation_public_queryset().order_by("name", "id")

    def _counts(self, rows):
        return statistics.open_study_counts_by_organisation(
            organisation_ids=[row.pk for row in rows]
        )
