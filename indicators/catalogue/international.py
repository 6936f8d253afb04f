"""Focus area 5, international position: studies per million inhabitants against Europe, EU programmes."""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Count

from trials.models import Study

from .. import denominators
from ..periods import Period
from .base import FOCUS_INTERNATIONAL, NATIONAL, Definition, Row, count, manual, per_inhabitants
from .scopes import SITE_SCOPE, active_study_sites, by_scope

INTERVENTIONAL = [Study.Category.KBS, Study.Category.OTHER_INTERVENTIONAL]


def studies_per_million(period: Period) -> list[Row]:
    """Interventional studies (clinical treatment studies and other interventional studies) open
    for inclusion nationally per million inhabitants, with the reported European top-three figure
    beside it: European registry comparisons count interventional trials only."""
    from ..models import ReportedFigure

    rows = by_scope(
        active_study_sites(period, study__category__in=INTERVENTIONAL),
        **SITE_SCOPE,
        aggregates={"n": Count("study", distinct=True)},
        to_value=lambda r: count(r["n"]),
        levels=(NATIONAL,),
    )
    population = denominators.population(period.start.year).get("national")
    europe = (
        ReportedFigure.objects.filter(
            indicator__code="europe-studies-per-million-top3",
            period_start__year__lte=period.start.year,
        )
        .order_by("-period_start")
        .values("value", "period_start")
        .first()
    )
    if population is None:
        return []
    result = []
    for row in rows:
        row = per_inhabitants(row, population, 1_000_000)
        if europe:
            coverage = {
                **(row.coverage or {}),
                "europe_top3": float(europe["value"]),
                "europe_year": europe["period_start"].year,
            }
            row = replace(row, coverage=coverage)
        result.append(row)
    return result


DEFINITIONS: list[Definition] = [
    Definition(
        "studies-per-million",
        "Intervensjonsstudier per million innbyggere",
        "Interventional studies per million inhabitants",
        FOCUS_INTERNATIONAL,
        "per million",
        compute=studies_per_million,
        national_only=True,
        method_version=2,
        target_note="Topp tre i Europa i planperioden",
        source="Folketall: SSB tabell 07459; Europa: manuelt rapportert (EU CTIS/EUCTR)",
    ),
    manual(
        "population",
        "Folketall",
        "Population",
        FOCUS_INTERNATIONAL,
        "personer",
        "SSB tabell 07459",
    ),
    manual(
        "europe-studies-per-million-top3",
        "Studier per million innbyggere, tredje beste land i Europa",
        "Studies per million inhabitants, third-best country in Europe",
        FOCUS_INTERNATIONAL,
        "per million",
        "EU CTIS / ClinicalTrials.gov",
    ),
    manual(
        "eu-programme-return-share",
        "Returandel fra EUs helseprogram",
        "Return share from the EU health programme",
        FOCUS_INTERNATIONAL,
        "%",
        "Forskningsrådet",
    ),
    manual(
        "eu-projects-norwegian-coordinator",
        "EU-prosjekter med norsk koordinator",
        "EU projects with a Norwegian coordinator",
        FOCUS_INTERNATIONAL,
        "prosjekter",
        "Forskningsrådet",
    ),
]
