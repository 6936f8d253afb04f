"""Query filters of the public study list; an invalid value is a 400, never silently ignored.

An empty value (``?updated_since=``) depends on the kind of filter:

- a value to compare with — a time (``updated_since``), a number (``age``, ``radius_km``) or a
  point (``near``) — must be given when the parameter is named: empty is a 400. A client that sends
  ``updated_since=`` has lost its value (an unset variable in a harvester), and answering with
  every study as if it had asked for none would hide that;
- a choice (``status``, ``phase``, ``region``, ``open``, ``ordering``, …) and the free text ``q``
  follow django-filter: empty is "any", like the empty first option of a select in a form.

The choices and places take several values separated by commas (``status=open,closed``): a study
matching any of them is found. A parameter given twice is refused (``sites.api.endpoints``), so no value
is ever silently dropped.

A time must also be one the database can store and compare: from 1900 to 2100 (a year 1 or 9999
with an offset overflowed into a 500).
"""

import datetime as dt
from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from sites.api.filters import NamedFiltersFilterSet
from sites.models import Organisation
from sites.operations.reference_cache import ReferenceRows
from sites.selectors import (
    MUNICIPALITY_ROWS,
    REGION_ROWS,
    STABLE_ID_PREFIX,
    ids_by_code,
    organisation_public_id_q,
)

from ..models import Study, StudySite
from ..selectors import search
from ..selectors.public import HEALTH_CATEGORY_ROWS

PUBLIC_STATUSES = [
    (value, label)
    for value, label in Study.Status.choices
    if value not in (Study.Status.DRAFT, Study.Status.WITHDRAWN)
]
ORDERINGS = {
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
    "opened": ("opened_on", "id"),
    "-opened": ("-opened_on", "-id"),
    "title": ("lay_title_nb", "id"),
    "-title": ("-lay_title_nb", "-id"),
    "distance": ("distance_km", "id"),
    "-distance": ("-distance_km", "-id"),
}


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.TypedChoiceFilter):
    """true/false (or 1/0); anything else is a 400 instead of being silently ignored."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [(v, v) for v in ("true", "false", "1", "0")])
        kwargs.setdefault("coerce", lambda value: value in ("true", "1"))
        super().__init__(*args, **kwargs)


EMPTY_VALUE = gettext_lazy("Tom verdi: oppgi en verdi, eller utelat parameteren.")


if TYPE_CHECKING:
    # What the mixin is mixed into, so its ``super().clean`` is checked.
    _FormFieldBase = forms.Field
else:
    _FormFieldBase = object


class GivenValueMixin(_FormFieldBase):
    """A form field that refuses an empty value given as such (``?age=``): the field only exists
    when the request names the parameter (``NamedFiltersFilterSet``), and an absent one arrives as
    ``None``, not as an empty text."""

    def clean(self, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            raise ValidationError(EMPTY_VALUE, code="empty")
        return super().clean(value)


class GivenDecimalField(GivenValueMixin, forms.DecimalField):
    pass


class GivenNumberFilter(django_filters.NumberFilter):
    field_class = GivenDecimalField


EARLIEST_TIME = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST_TIME = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


class BoundedIsoDateTimeField(GivenValueMixin, django_filters.fields.IsoDateTimeField):
    """An ISO 8601 time from 1900 to 2100; naive times are Oslo time (``TIME_ZONE``)."""

    def to_python(self, value):
        try:
            value = super().to_python(value)
        except (OverflowError, ValueError) as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if value is None:
            return None
        if not EARLIEST_TIME <= value < LATEST_TIME:
            raise ValidationError(
                gettext("Tidspunktet må ligge mellom år 1900 og 2100."), code="out_of_range"
            )
        return value


class BoundedIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField


class NearField(GivenValueMixin, forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            lat, lon = (float(part) for part in value.split(","))
        except ValueError as exc:
            raise ValidationError(
                gettext("Skriv near som «breddegrad,lengdegrad», f.eks. 60.39,5.32.")
            ) from exc
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError(
                gettext("Breddegrad må være mellom -90 og 90, lengdegrad mellom -180 og 180.")
            )
        return (lat, lon)


@extend_schema_field(OpenApiTypes.STR)
class NearFilter(django_filters.Filter):
    field_class = NearField


class CommaSeparatedWidget(django_filters.widgets.BaseCSVWidget, forms.TextInput):
    """``a,b`` → ``["a", "b"]``, blanks around and between the commas left out."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return None if value is None else [part.strip() for part in value if part.strip()]


class ChoicesFilter(django_filters.BaseInFilter, django_filters.ChoiceFilter):
    """One or more choices, comma-separated; a study matching any of them is found."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", CommaSeparatedWidget)
        kwargs.setdefault("help_text", "")
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class CodesFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """One or more codes of a place or category, comma-separated; checked by ``filter_codes``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", CommaSeparatedWidget)
        kwargs.setdefault("method", "filter_noop")
        kwargs.setdefault("help_text", "")
        super().__init__(*args, **kwargs)


def _unknown_codes(name: str, unknown: list[str]) -> ValidationError:
    return ValidationError(
        {name: gettext("Ukjent verdi: %(values)s.") % {"values": ", ".join(unknown)}}
    )


def _known_ids(name: str, reference: ReferenceRows, codes: list[str]) -> list[int]:
    known = ids_by_code(reference)
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise _unknown_codes(name, unknown)
    return list(dict.fromkeys(known[code] for code in codes))


def region_ids(codes: list[str]) -> list[int]:
    return _known_ids("region", REGION_ROWS, codes)


def municipality_ids(codes: list[str]) -> list[int]:
    return _known_ids("municipality", MUNICIPALITY_ROWS, codes)


def organisation_ids(keys: list[str]) -> list[int]:
    """Organisations by public id: the organisation number, or the stable ``org-<n>`` that every
    organisation has (also those without an organisation number, such as municipal services)."""
    rows = Organisation.objects.filter(organisation_public_id_q(keys)).values_list("pk", "orgnr")
    known = {orgnr for _, orgnr in rows if orgnr} | {f"{STABLE_ID_PREFIX}{pk}" for pk, _ in rows}
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise _unknown_codes("organisation", unknown)
    return [pk for pk, _ in rows]


# The place filters: how to find the rows asked for, and their lookup on a study site.
SITE_PLACES = {
    "region": (region_ids, "organisation__region_id__in"),
    "organisation": (organisation_ids, "organisation_id__in"),
    "municipality": (municipality_ids, "organisation__municipality_id__in"),
}


def _sites_matching(condition: Q) -> Exists:
    return Exists(StudySite.objects.filter(condition, study=OuterRef("pk")))


def _in_health_categories(codes: list[str]) -> Exists:
    links = Study.hrcs_categories.through.objects.filter(
        study_id=OuterRef("pk"),
        healthcategory_id__in=_known_ids("hrcs", HEALTH_CATEGORY_ROWS["nb"], codes),
    )
    return Exists(links)


class PublicStudyFilter(NamedFiltersFilterSet):
    open = StrictBooleanFilter(
        method="filter_open",
        label="Åpen for inklusjon på minst ett sted (med region, organisation eller "
        "municipality: på et studiested der)",
    )
    status = ChoicesFilter(choices=PUBLIC_STATUSES, label="Studiens status (flere: open,closed)")
    region = CodesFilter(label="Region (kode, f.eks. helse-vest): minst ett studiested i regionen")
    organisation = CodesFilter(
        label="Organisasjonsnummer (eller stabil id org-<n>) til et studiested"
    )
    municipality = CodesFilter(label="Kommunenummer (4 siffer) til et studiested")
    hrcs = CodesFilter(method="filter_hrcs", label="HRCS helsekategori (kode 01–21)")
    category = ChoicesFilter(choices=Study.Category.choices, label="Kategori")
    phase = ChoicesFilter(choices=Study.Phase.choices, label="Fase")
    sponsor_type = ChoicesFilter(choices=Study.SponsorType.choices, label="Sponsortype")
    age = GivenNumberFilter(
        method="filter_age", min_value=0, max_value=130, label="Kan delta i denne alderen (år)"
    )
    sex = ChoicesFilter(
        choices=[("female", "Kvinner"), ("male", "Menn")],
        method="filter_sex",
        label="Kan delta med dette kjønnet",
    )
    healthy_volunteers = StrictBooleanFilter(label="Friske frivillige")
    decentralised = StrictBooleanFilter(label="Desentraliserte elementer")
    updated_since = BoundedIsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Endret siden (ISO 8601)"
    )
    q = django_filters.CharFilter(
        method="filter_q", max_length=200, label="Fritekst i titler, sammendrag og tilstander"
    )
    near = NearFilter(
        method="filter_noop", label="Nær et punkt: breddegrad,lengdegrad (studiested åpent)"
    )
    radius_km = GivenNumberFilter(
        method="filter_noop", min_value=1, max_value=2000, label="Radius for near, km (20)"
    )
    ordering = django_filters.ChoiceFilter(
        choices=[(key, key) for key in ORDERINGS],
        method="filter_noop",
        label="Rekkefølge: updated, opened, title, distance (med near); minus for synkende",
    )

    class Meta:
        model = Study
        fields: list[str] = []

    def filter_noop(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset  # applied together in filter_queryset

    def filter_open(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        return queryset  # applied with the places in filter_sites

    def filter_hrcs(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(_in_health_categories(value)) if value else queryset

    def filter_sites(self, queryset: QuerySet, data: dict) -> QuerySet:
        """Where the study runs: one site that is in every place asked for, and open if
        ``open=true``. A patient asking for studies open in Helse Vest wants a site in Helse
        Vest that takes in participants, not an open site in Oslo and a closed one in Bergen."""
        site = Q()
        for name, (find_ids, lookup) in SITE_PLACES.items():
            if data.get(name):
                site &= Q(**{lookup: find_ids(data[name])})
        is_open = data.get("open")
        if is_open:
            site &= Q(status=StudySite.Status.OPEN)
        if site:
            queryset = queryset.filter(_sites_matching(site))
        if is_open is False:
            queryset = queryset.exclude(_sites_matching(Q(status=StudySite.Status.OPEN)))
        return queryset

    def filter_age(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(
            Q(min_age__isnull=True) | Q(min_age__lte=value),
            Q(max_age__isnull=True) | Q(max_age__gte=value),
        )

    def filter_sex(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(sex__in=[Study.Sex.ALL, *value]) if value else queryset

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search.study_filter_text(queryset=queryset, q=value) if value else queryset

    def filter_queryset(self, queryset: QuerySet) -> "QuerySet | search.NearestStudies":
        data = self.form.cleaned_data
        queryset = self.filter_sites(super().filter_queryset(queryset), data)
        near = data.get("near")
        radius = data.get("radius_km")
        ordering = data.get("ordering")
        if radius is not None and near is None:
            raise ValidationError({"radius_km": gettext("radius_km krever near.")})
        if ordering in ("distance", "-distance") and near is None:
            raise ValidationError({"ordering": gettext("Sortering etter avstand krever near.")})
        if near is not None:
            point = search.NearPoint(lat=near[0], lon=near[1], radius_km=float(radius or 20))
            if ordering in (None, "", "distance"):
                return search.study_nearest_first(queryset=queryset, near=point)
            queryset = search.study_filter_near(queryset=queryset, near=point)
        if not ordering and data.get("q"):
            return search.study_order_by_relevance(queryset)
        return queryset.order_by(*ORDERINGS[ordering or "-updated"])

    @property
    def qs(self):
        # Turn a Django ValidationError raised while filtering into a 400 with field errors.
        try:
            return super().qs
        except ValidationError as exc:
            from rest_framework.exceptions import ValidationError as APIValidationError

            raise APIValidationError(exc.message_dict) from exc
