from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action

from sites.api.base import PublicPageNumberPagination, PublicReadOnlyViewSet
from sites.models import Organisation, Region

from .. import selectors
from ..models import Indicator
from ..periods import Period
from .serializers import PublicIndicatorSerializer, PublicValueSerializer


class PublicIndicatorViewSet(PublicReadOnlyViewSet):
    """The action plan's indicators and their monthly or yearly values (aggregates only)."""

    serializer_class = PublicIndicatorSerializer
    lookup_field = "code"
    extra_query_params = ("period", "region", "organisation", "health_trust", "breakdown")
    pagination_class = PublicPageNumberPagination  # A short catalogue: no harvesting cursor.
    queryset = Indicator.objects.order_by("focus_area", "code")

    @action(detail=True, methods=["get"], serializer_class=PublicValueSerializer)
    def values(self, request, code=None):
        """Values by ``period`` (ÅÅÅÅ-MM or ÅÅÅÅ), ``region`` (code), ``organisation`` (orgnr) or
        ``health_trust`` (orgnr of an HF: its hospitals rolled up)."""
        indicator = get_object_or_404(Indicator, code=code)
        qs = (
            selectors.snapshot_current()
            .filter(indicator=indicator)
            .select_related("indicator")
            .order_by("-period_start", "scope_key", "breakdown", "breakdown_value")
        )
        params = request.query_params
        if params.get("period"):
            try:
                period = Period.parse(params["period"])
            except ValidationError as exc:
                raise drf_serializers.ValidationError({"period": exc.messages}) from exc
            qs = qs.filter(period_kind=period.kind, period_start=period.start)
        if params.get("region"):
            region = get_object_or_404(Region, code=params["region"])
            qs = qs.filter(scope_key=f"region:{region.pk}")
        elif params.get("organisation"):
            org = get_object_or_404(Organisation, orgnr=params["organisation"])
            qs = qs.filter(scope_key=f"org:{org.pk}")
        elif params.get("health_trust"):
            trust = get_object_or_404(Organisation, orgnr=params["health_trust"])
            qs = qs.filter(scope_key=f"hf:{trust.pk}")
        else:
            qs = qs.filter(scope_key="national")
        if "breakdown" in params:
            qs = qs.filter(breakdown=params["breakdown"])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(PublicValueSerializer(page, many=True).data)
