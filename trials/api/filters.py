"""Query filters of the public study list; an unknown value is a 400, never silently ignored."""

import django_filters
from django.db.models import QuerySet

from sites.models import Region

from ..models import StudySite


class StrictBooleanFilter(django_filters.TypedChoiceFilter):
    """true/false (or 1/0); anything else is a 400 instead of being silently ignored."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [(v, v) for v in ("true", "false", "1", "0")])
        kwargs.setdefault("coerce", lambda value: value in ("true", "1"))
        super().__init__(*args, **kwargs)


class PublicStudyFilter(django_filters.FilterSet):
    open = StrictBooleanFilter(method="filter_open", label="Åpen for inklusjon på minst ett sted")
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        to_field_name="code",
        method="filter_region",
        label="Region (kode, f.eks. helse-vest)",
    )

    def filter_open(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(is_open=value)

    def filter_region(self, queryset: QuerySet, name: str, value: Region | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(
            pk__in=StudySite.objects.filter(organisation__region=value).values("study_id")
        )
