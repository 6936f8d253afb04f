"""Aggregation per scope (national, region, health trust, organisation) with breakdowns, and the
period filters the compute functions share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    Expression,
    F,
    Q,
    QuerySet,
    Value,
    When,
)

from consents.models import Enrolment
from sites.models import Organisation
from sites.selectors import organisation_health_trust
from trials.models import StudySite

from ..coverage import percent
from ..periods import Period
from .base import (
    ALL_LEVELS,
    NATIONAL,
    ORGANISATION,
    REGION,
    SPECIALIST_KINDS,
    TRUST,
    Coverage,
    Figures,
    Row,
    ScopePaths,
    count,
    growth,
    scope_key,
)


def age_band(birth_year: str, year: int) -> Case:
    """Age reached in the period's year, in the bands the plan reports."""
    return Case(
        When(**{f"{birth_year}__isnull": True}, then=Value("ukjent")),
        When(**{f"{birth_year}__gt": year - 18}, then=Value("0-17")),
        When(**{f"{birth_year}__gt": year - 40}, then=Value("18-39")),
        When(**{f"{birth_year}__gt": year - 67}, then=Value("40-66")),
        When(**{f"{birth_year}__gt": year - 80}, then=Value("67-79")),
        default=Value("80+"),
        output_field=CharField(),
    )


def care_level(kind: str) -> Case:
    return Case(
        When(**{f"{kind}__in": SPECIALIST_KINDS}, then=Value("specialist")),
        When(**{kind: Organisation.Kind.MUNICIPAL_SERVICE}, then=Value("municipal")),
        When(**{kind: Organisation.Kind.DENTAL_SERVICE}, then=Value("dental")),
        default=Value("other"),
        output_field=CharField(),
    )


def enrolment_breakdowns(period: Period) -> dict[str, Expression | F]:
    return {
        "hrcs": F("study__hrcs_categories__code"),
        "sex": F("participant__sex"),
        "age_band": age_band("participant__birth_year", period.start.year),
        "care_level": care_level("site__organisation__kind"),
        "sponsor_type": F("study__sponsor_type"),
        "municipality": F("participant__home_municipality__code"),
    }


BREAKDOWN_LEVELS = {"municipality": (NATIONAL, REGION)}


@dataclass(frozen=True)
class Scope:
    kind: str
    key: str
    region_id: int | None
    organisation_id: int | None


ToValue = Callable[
    [dict[str, Any]], Figures | tuple[Decimal | None, Decimal | None, Decimal | None, Coverage]
]
"""From one aggregated result to value, numerator and denominator (and the value's coverage)."""


def _scope_of(level: str, result: dict[str, Any], paths: ScopePaths) -> Scope | None:
    region_id = result.get(paths["region"]) if level == REGION else None
    organisation_id = {
        ORGANISATION: result.get(paths["organisation"]),
        TRUST: result.get("_trust"),
    }.get(level)
    if level != NATIONAL and region_id is None and organisation_id is None:
        return None
    return Scope(level, scope_key(level, region_id, organisation_id), region_id, organisation_id)


def scope_results(
    qs: QuerySet[Any],
    *,
    region: str,
    organisation: str,
    aggregates: Mapping[str, Aggregate],
    breakdowns: Mapping[str, Expression | F] | None = None,
    levels: Iterable[str] = ALL_LEVELS,
) -> Iterator[tuple[Scope, str, str, dict[str, Any]]]:
    """The aggregates of ``qs`` per scope and breakdown: (scope, breakdown, its value, aggregates).

    One query per (level × breakdown); the loop runs over aggregated rows, never source rows. The
    trust level is aggregated in the database, not summed from organisations, so a person at two
    hospitals of one HF counts once there.
    """
    paths: ScopePaths = {"region": region, "organisation": organisation}
    for level in levels:
        keys = {NATIONAL: [], REGION: [region], TRUST: ["_trust"], ORGANISATION: [organisation]}[
            level
        ]
        for name, expression in [("", None), *(breakdowns or {}).items()]:
            if name and level not in BREAKDOWN_LEVELS.get(name, ALL_LEVELS):
                continue
            query = qs.order_by()
            if level == TRUST:
                # "site__organisation_id" → the organisation at "site__organisation__".
                path = organisation.removesuffix("_id") + "__"
                query = query.annotate(_trust=organisation_health_trust(path))
            fields = list(keys)
            if expression is not None:
                query = query.annotate(_breakdown=expression)
                fields.append("_breakdown")
            if fields:
                results = list(query.values(*fields).annotate(**aggregates))
            else:
                results = [query.aggregate(**aggregates)]
            for result in results:
                scope = _scope_of(level, result, paths)
                if scope is None:
                    continue
                breakdown_value = result.get("_breakdown") if name else ""
                yield scope, name, "" if breakdown_value is None else str(breakdown_value), result


def by_scope(
    qs: QuerySet[Any],
    *,
    region: str,
    organisation: str,
    aggregates: Mapping[str, Aggregate],
    to_value: ToValue,
    breakdowns: Mapping[str, Expression | F] | None = None,
    levels: Iterable[str] = ALL_LEVELS,
) -> list[Row]:
    """Aggregate ``qs`` for the national scope, per region, per health trust (hospitals rolled up to
    their HF) and per organisation, with breakdowns: one ``Row`` per scope and breakdown value."""
    rows: list[Row] = []
    for scope, name, breakdown_value, result in scope_results(
        qs,
        region=region,
        organisation=organisation,
        aggregates=aggregates,
        breakdowns=breakdowns,
        levels=levels,
    ):
        value, numerator, denominator, *coverage = to_value(result)
        figures = (value, numerator, denominator)
        rows.append(
            scope_row(scope, name, breakdown_value, figures, coverage[0] if coverage else None)
        )
    return rows


def scope_row(
    scope: Scope,
    breakdown: str,
    breakdown_value: str,
    figures: Figures,
    coverage: Coverage | None = None,
) -> Row:
    value, numerator, denominator = figures
    return Row(
        scope_kind=scope.kind,
        scope_key=scope.key,
        region_id=scope.region_id,
        organisation_id=scope.organisation_id,
        breakdown=breakdown,
        breakdown_value=breakdown_value,
        value=value,
        numerator=numerator,
        denominator=denominator,
        coverage=coverage,
    )


def enrolment_active(period: Period, prefix: str = "") -> Q:
    """An enrolment that was running at some time in the period."""
    return Q(**{f"{prefix}included_on__lt": period.end}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": period.start})
    )


def site_active(period: Period, prefix: str = "") -> Q:
    """A study site that was open for inclusion at some time in the period."""
    return Q(**{f"{prefix}activated_on__lt": period.end}) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gte": period.start})
    )


def within(field_name: str, period: Period) -> Q:
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lt": period.end})


ENROLMENT_SCOPE: ScopePaths = {
    "region": "site__organisation__region_id",
    "organisation": "site__organisation_id",
}
SITE_SCOPE: ScopePaths = {"region": "organisation__region_id", "organisation": "organisation_id"}
STUDY_SCOPE: ScopePaths = {
    "region": "responsible_organisation__region_id",
    "organisation": "responsible_organisation_id",
}
AGREEMENT_SCOPE: ScopePaths = {
    "region": "organisation__region_id",
    "organisation": "organisation_id",
}


PER_100K_LEVELS = (NATIONAL, REGION, TRUST)


PEOPLE: dict[str, Aggregate] = {
    "n": Count("participant", distinct=True),
    "unknown_sex": Count(
        "participant", distinct=True, filter=Q(participant__sex__in=["unknown", ""])
    ),
    "unknown_age": Count("participant", distinct=True, filter=Q(participant__birth_year=None)),
}


def people_count(
    r: dict[str, Any],
) -> tuple[Decimal | None, Decimal | None, Decimal | None, Coverage]:
    """A count of people with its coverage: the shares with unknown sex and unknown age."""
    coverage: Coverage = {
        "unknown_sex_share": percent(r["unknown_sex"], r["n"]),
        "unknown_age_share": percent(r["unknown_age"], r["n"]),
    }
    return (*count(r["n"]), coverage)


PEOPLE_BREAKDOWNS = ("hrcs", "sex", "age_band", "care_level", "sponsor_type", "municipality")


def active_study_sites(period: Period, **filters: Any) -> QuerySet[StudySite]:
    return StudySite.objects.filter(site_active(period), **filters)


def site_growth(period: Period, **filters: Any) -> list[Row]:
    last_year = period.same_period_last_year()
    return by_scope(
        StudySite.objects.filter(site_active(period) | site_active(last_year), **filters),
        **SITE_SCOPE,
        aggregates={
            "now": Count("study", distinct=True, filter=site_active(period)),
            "before": Count("study", distinct=True, filter=site_active(last_year)),
        },
        to_value=lambda r: growth(r["now"], r["before"]),
    )


def studies_with_active_enrolments(period: Period) -> Q:
    return Q(pk__in=Enrolment.objects.filter(enrolment_active(period)).values("study_id"))


def studies_with_active_sites(period: Period, **filters: Any) -> Q:
    return Q(pk__in=StudySite.objects.filter(site_active(period), **filters).values("study_id"))
