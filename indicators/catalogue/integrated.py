"""Focus area 2, research integrated in care: activity and the capacity figures organisations report."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Aggregate, Count, IntegerField, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from sites.models import OrganisationCapacity, Profession

from ..periods import Period
from .base import ALL_LEVELS, FOCUS_INTEGRATED, Definition, Row, ScopePaths, count
from .running import RUNNING_FIELDS, running_enrolments
from .scopes import (
    Scope,
    by_scope,
    care_level,
    organisation_scopes,
    scope_results,
    scope_row,
    studies_with_active_enrolments,
)

PROFESSIONS = Profession.values  # the rows of the capacity form's PhD table


def enrolment_activity(period: Period) -> list[Row]:
    """The running enrolments per scope, in total and per care level: counted per organisation
    (whose region, health trust and care level they share) in one pass, and added up."""
    with running_enrolments(period) as running:
        per_organisation = list(
            running.order_by()
            .values(
                "organisation_id",
                "region_id",
                "trust_id",
                care=care_level(RUNNING_FIELDS["organisation_kind"]),
            )
            .annotate(n=Count("pk"))
        )
    counts: dict[tuple[Scope, str, str], int] = {}
    for r in per_organisation:
        for scope in organisation_scopes(r["region_id"], r["trust_id"], r["organisation_id"]):
            for key in ((scope, "", ""), (scope, "care_level", r["care"])):
                counts[key] = counts.get(key, 0) + r["n"]
    rows = [scope_row(scope, name, value, count(n)) for (scope, name, value), n in counts.items()]
    return sorted(rows, key=lambda r: (ALL_LEVELS.index(r.scope_kind), r.breakdown))


def _capacity(period: Period) -> QuerySet[OrganisationCapacity]:
    return OrganisationCapacity.objects.filter(year=period.start.year)


CAPACITY_SCOPE: ScopePaths = {
    "region": "organisation__region_id",
    "organisation": "organisation_id",
}


def _capacity_sum(period: Period, field_name: str) -> list[Row]:
    """The sum of one capacity figure, with how many organisations reported it."""
    return by_scope(
        _capacity(period).filter(**{f"{field_name}__isnull": False}),
        **CAPACITY_SCOPE,
        aggregates={"total": Sum(field_name), "reporting": Count("organisation", distinct=True)},
        to_value=lambda r: (*count(r["total"]), {"reporting": r["reporting"]}),
    )


def research_person_years(period: Period) -> list[Row]:
    return _capacity_sum(period, "research_person_years")


def phd_coverage(period: Period) -> list[Row]:
    """Employees with a PhD, in total and per health profession (from the capacity figures)."""
    per_profession: dict[str, Aggregate] = {
        p: Sum(Cast(KT(f"phd_by_profession__{p}"), IntegerField())) for p in PROFESSIONS
    }
    per_profession["reporting"] = Count("organisation", distinct=True)
    # One query per scope level holds every profession; spread it into total and breakdown rows.
    rows = []
    for scope, _, _, result in scope_results(
        _capacity(period).exclude(phd_by_profession={}),
        **CAPACITY_SCOPE,
        aggregates=per_profession,
    ):
        figures = {p: result[p] or 0 for p in PROFESSIONS}
        coverage = {"reporting": result["reporting"]}
        rows.append(scope_row(scope, "", "", count(sum(figures.values())), coverage))
        rows.extend(scope_row(scope, "profession", p, count(n)) for p, n in figures.items())
    return rows


def shared_positions(period: Period) -> list[Row]:
    return _capacity_sum(period, "shared_research_clinic_positions")


def shared_university_positions(period: Period) -> list[Row]:
    return _capacity_sum(period, "shared_university_positions")


DEFINITIONS: list[Definition] = [
    Definition(
        "enrolment-activity",
        "Aktivitet knyttet til kliniske studier (løpende inklusjoner)",
        "Activity linked to clinical studies (running enrolments)",
        FOCUS_INTEGRATED,
        "inklusjoner",
        breakdowns=("care_level",),
        counts_people=True,
        compute=enrolment_activity,
        reads_running=True,
        studies=studies_with_active_enrolments,
    ),
    Definition(
        "phd-coverage",
        "Ansatte med doktorgrad per helseprofesjon",
        "Staff with a PhD per health profession",
        FOCUS_INTEGRATED,
        "personer",
        breakdowns=("profession",),
        compute=phd_coverage,
        source="Kapasitetstall per organisasjon og år",
    ),
    Definition(
        "shared-positions",
        "Delte stillinger forskning/klinikk",
        "Shared research/clinical positions",
        FOCUS_INTEGRATED,
        "stillinger",
        compute=shared_positions,
        source="Kapasitetstall per organisasjon og år",
    ),
    Definition(
        "shared-university-positions",
        "Delte stillinger mellom universiteter og kommuner",
        "Positions shared between universities and municipalities",
        FOCUS_INTEGRATED,
        "stillinger",
        compute=shared_university_positions,
        source="Kapasitetstall per organisasjon og år",
    ),
    Definition(
        "research-person-years",
        "Forskningsårsverk (mål: doblet innen 2036)",
        "Research person-years (goal: doubled by 2036)",
        FOCUS_INTEGRATED,
        "årsverk",
        target_year=2036,
        baseline_year=2025,
        target_factor=Decimal(2),
        target_note="Doblet innen 2036 fra 2025 (planens første år)",
        compute=research_person_years,
        source="Kapasitetstall per organisasjon og år",
        key=True,
    ),
]
