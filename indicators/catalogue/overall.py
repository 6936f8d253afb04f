"""The plan's overall goals: participants, clinical treatment studies (KBS) and their growth."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Q

from consents.models import Enrolment
from sites.models import Organisation
from trials.models import Study

from .. import denominators
from ..kbs.selectors import kbs_trust_contributions
from ..periods import Period
from .base import (
    FOCUS_OVERALL,
    NATIONAL,
    REGION,
    SPECIALIST_KINDS,
    TRUST,
    Coverage,
    Definition,
    Row,
    count,
    growth,
    manual,
    scope_key,
    share,
)
from .people import new_people
from .running import running_enrolments
from .scopes import (
    ENROLMENT_SCOPE,
    PEOPLE_BREAKDOWNS,
    PER_100K_LEVELS,
    SITE_SCOPE,
    active_study_sites,
    by_scope,
    site_growth,
    studies_with_active_sites,
    within,
)


def participants_included(period: Period) -> list[Row]:
    with running_enrolments(period) as running:
        return new_people(running, period)


def participants_growth(period: Period) -> list[Row]:
    last_year = period.same_period_last_year()
    return by_scope(
        Enrolment.objects.filter(within("included_on", period) | within("included_on", last_year)),
        **ENROLMENT_SCOPE,
        aggregates={
            "now": Count("participant", distinct=True, filter=within("included_on", period)),
            "before": Count("participant", distinct=True, filter=within("included_on", last_year)),
        },
        to_value=lambda r: growth(r["now"], r["before"]),
    )


def kbs_share_specialist(period: Period) -> list[Row]:
    """New patients recruited to clinical treatment studies in the year (or the year to date) at
    specialist-care sites, over the reported number of new specialist-care patients in the year.

    Nationally, per region and per health trust (hospitals rolled up); a scope without a reported
    denominator gets its count of recruits but no share.
    """
    recruited = by_scope(
        Enrolment.objects.filter(
            within("included_on", period),
            study__category=Study.Category.KBS,
            site__organisation__kind__in=SPECIALIST_KINDS,
        ),
        **ENROLMENT_SCOPE,
        aggregates={"n": Count("participant", distinct=True)},
        to_value=lambda r: count(r["n"]),
        levels=PER_100K_LEVELS,
    )
    figures = denominators.reported(denominators.Kind.NEW_SPECIALIST_PATIENTS, period.start.year)
    rows = {row.scope_key: row for row in recruited}
    result = []
    for key in sorted(rows.keys() | figures.keys()):
        row = rows[key] if key in rows else _nobody_recruited(key, figures[key])
        result.append(_kbs_share_row(row, figures.get(key)))
    return result


def _nobody_recruited(key: str, figure: denominators.Figure) -> Row:
    """The row of a scope with a reported denominator and nobody recruited."""
    level = _scope_kind(key)
    region_id = figure.region_id if level == REGION else None
    return Row(level, key, region_id, figure.organisation_id, "", "", *count(0))


def _scope_kind(key: str) -> str:
    return {"region": REGION, "hf": TRUST}.get(key.partition(":")[0], NATIONAL)


def _kbs_share_row(row: Row, figure: denominators.Figure | None) -> Row:
    coverage: Coverage
    if figure is None:
        value, numerator, denominator = None, row.numerator, None
        coverage = {"denominator_missing": True}
    else:
        value, numerator, denominator = share(row.numerator, figure.value)
        coverage = {"reference_year": figure.year, "source": figure.source}
    return Row(
        row.scope_kind,
        row.scope_key,
        row.region_id,
        row.organisation_id,
        "",
        "",
        value,
        numerator,
        denominator,
        coverage,
    )


def kbs_count(period: Period) -> list[Row]:
    return by_scope(
        active_study_sites(period, study__category=Study.Category.KBS),
        **SITE_SCOPE,
        aggregates={"n": Count("study", distinct=True)},
        to_value=lambda r: count(r["n"]),
        breakdowns={
            "hrcs": F("study__hrcs_categories__code"),
            "sponsor_type": F("study__sponsor_type"),
        },
    )


def kbs_reported(period: Period, *, measure: str) -> list[Row]:
    """From the finalised yearly KBS report to NVA (``indicators.kbs``), for a whole year only:
    per health trust, per region of the trusts and nationally; a project reported at two trusts
    is one project in their region and nationally."""
    if period.kind != "year":
        return []
    contributions = kbs_trust_contributions(year=period.start.year)
    regions = dict(
        Organisation.objects.filter(pk__in={c[0] for c in contributions}).values_list(
            "pk", "region_id"
        )
    )
    groups: dict[tuple[str, int | None, int | None], tuple[set[int], int]] = {}
    for trust, project_id, recruited in contributions:
        scopes = [(NATIONAL, None, None), (TRUST, None, trust)]
        if regions.get(trust):
            scopes.append((REGION, regions[trust], None))
        for scope in scopes:
            projects, patients = groups.get(scope, (set(), 0))
            groups[scope] = (projects | {project_id}, patients + recruited)
    rows = []
    for (level, region_id, organisation_id), (projects, patients) in groups.items():
        value, numerator, denominator = count(len(projects) if measure == "projects" else patients)
        rows.append(
            Row(
                scope_kind=level,
                scope_key=scope_key(level, region_id, organisation_id),
                region_id=region_id,
                organisation_id=organisation_id,
                breakdown="",
                breakdown_value="",
                value=value,
                numerator=numerator,
                denominator=denominator,
            )
        )
    return rows


def kbs_growth(period: Period) -> list[Row]:
    return site_growth(period, study__category=Study.Category.KBS)


def studies_digital_share(period: Period) -> list[Row]:
    """Share of active studies that are registry-based or have decentralised elements."""
    digital = Q(study__category=Study.Category.REGISTRY) | Q(study__decentralised=True)
    digital |= Q(is_decentralised=True)
    return by_scope(
        active_study_sites(period),
        **SITE_SCOPE,
        aggregates={
            "num": Count("study", distinct=True, filter=digital),
            "den": Count("study", distinct=True),
        },
        to_value=lambda r: share(r["num"], r["den"]),
    )


DEFINITIONS: list[Definition] = [
    Definition(
        "participants-included",
        "Nye deltakere i kliniske studier",
        "New participants in clinical studies",
        FOCUS_OVERALL,
        "personer",
        breakdowns=PEOPLE_BREAKDOWNS[:-1],
        counts_people=True,
        compute=participants_included,
        reads_running=True,
        studies=lambda p: Q(
            pk__in=Enrolment.objects.filter(within("included_on", p)).values("study_id")
        ),
        key=True,
        description="Ulike deltakere med inklusjonsdato i perioden.",
    ),
    Definition(
        "participants-growth",
        "Årlig økning i antall pasienter i klinisk forskning",
        "Annual increase in patients in clinical research",
        FOCUS_OVERALL,
        "%",
        target_value=Decimal(0),
        baseline_year=2024,
        counts_people=True,
        compute=participants_growth,
        annual_only=True,
        method_version=2,
        target_note="Årlig økning i pasienter som deltar i klinisk forskning",
    ),
    Definition(
        "kbs-share-specialist",
        "Andel pasienter i spesialisthelsetjenesten som deltar i kliniske behandlingsstudier",
        "Share of specialist-care patients in clinical treatment studies",
        FOCUS_OVERALL,
        "%",
        target_value=Decimal(5),
        target_year=2025,
        baseline_year=2019,
        target_note="5 % av pasientene i spesialisthelsetjenesten i 2025 (0,8 % i 2019)",
        counts_people=True,
        compute=kbs_share_specialist,
        annual_only=True,
        key=True,
        source="Nye pasienter: manuelt rapportert nasjonalt/per HF (se rapporterte nevnere)",
        method_version=2,
        studies=lambda p: Q(
            pk__in=Enrolment.objects.filter(
                within("included_on", p), study__category=Study.Category.KBS
            ).values("study_id")
        ),
    ),
    Definition(
        "kbs-count",
        "Kliniske behandlingsstudier åpne for inklusjon",
        "Clinical treatment studies open for inclusion",
        FOCUS_OVERALL,
        "studier",
        breakdowns=("hrcs", "sponsor_type"),
        compute=kbs_count,
        target_factor=Decimal(2),
        target_year=2025,
        baseline_year=2020,
        target_note="Doblet i perioden 2021–2025",
        key=True,
        studies=lambda p: studies_with_active_sites(p, study__category=Study.Category.KBS),
    ),
    Definition(
        "kbs-reported-projects",
        "Kliniske behandlingsstudier rapportert til NVA",
        "Clinical treatment studies reported to NVA",
        FOCUS_OVERALL,
        "studier",
        compute=lambda p: kbs_reported(p, measure="projects"),
        annual_only=True,
        source="Årsrapporteringen av KBS til NVA: den endelige rapporten for året",
    ),
    Definition(
        "kbs-reported-recruited",
        "Pasienter rekruttert til kliniske behandlingsstudier (rapportert til NVA)",
        "Patients recruited to clinical treatment studies (reported to NVA)",
        FOCUS_OVERALL,
        "pasienter",
        counts_people=True,
        compute=lambda p: kbs_reported(p, measure="recruited"),
        annual_only=True,
        source="Årsrapporteringen av KBS til NVA: den endelige rapporten for året",
    ),
    Definition(
        "kbs-growth",
        "Årlig vekst i antall kliniske behandlingsstudier",
        "Annual growth in clinical treatment studies",
        FOCUS_OVERALL,
        "%",
        target_value=Decimal(15),
        target_year=2025,
        baseline_year=2020,
        target_note="15 % årlig vekst per region (styringskrav til RHF)",
        compute=kbs_growth,
        annual_only=True,
        method_version=2,
        key=True,
    ),
    Definition(
        "studies-digital-share",
        "Andel studier med registerdata eller desentraliserte elementer",
        "Share of studies using registry data or decentralised elements",
        FOCUS_OVERALL,
        "%",
        compute=studies_digital_share,
    ),
    manual(
        "industry-rd-investment",
        "Næringslivets FoU-investeringer i helse",
        "Industry R&D investment in health",
        FOCUS_OVERALL,
        "MNOK",
        "SSB FoU-statistikk",
    ),
]
