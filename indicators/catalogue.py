"""The indicator catalogue: code → definition + compute function.

Every compute function aggregates in the database and returns ``Row`` values for the national scope,
each region and each organisation, with a fixed number of queries whatever the number of rows. To add
an indicator, write a small function with ``by_scope`` and register a ``Definition``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from consents.models import ConsentEvent, Enrolment
from sites.models import Organisation, OrganisationCapacity, Profession
from sites.selectors import organisation_health_trust
from trials.models import Agreement, FeasibilityRequest, Milestone, Study, StudySite

from . import denominators
from .aggregates import DaysBetween, Median
from .coverage import percent
from .kbs.selectors import kbs_trust_contributions
from .methods import METHODS
from .periods import Period

NATIONAL, REGION, TRUST, ORGANISATION = "national", "region", "trust", "organisation"
ALL_LEVELS = (NATIONAL, REGION, TRUST, ORGANISATION)
"""``TRUST`` rolls hospitals up to their health trust (HF): see ``organisation_health_trust``."""

FOCUS_OVERALL = "overall"
FOCUS_PATIENTS = "patients"
FOCUS_INTEGRATED = "integrated"
FOCUS_INDUSTRY = "industry"
FOCUS_CONDUCT = "conduct"
FOCUS_INTERNATIONAL = "international"

SPECIALIST_KINDS = [
    Organisation.Kind.RHF,
    Organisation.Kind.HF,
    Organisation.Kind.HOSPITAL,
    Organisation.Kind.PRIVATE_NONPROFIT,
    Organisation.Kind.SUPPORT,
]
PROFESSIONS = Profession.values  # the rows of the capacity form's PhD table


def scope_key(level: str, region_id: int | None = None, organisation_id: int | None = None) -> str:
    if level == REGION:
        return f"region:{region_id}"
    if level == ORGANISATION:
        return f"org:{organisation_id}"
    if level == TRUST:
        return f"hf:{organisation_id}"
    return NATIONAL


@dataclass(frozen=True)
class Row:
    scope_kind: str
    scope_key: str
    region_id: int | None
    organisation_id: int | None
    breakdown: str
    breakdown_value: str
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    # How complete the inputs are: organisations reporting, unknown sex/age, the source's year.
    coverage: dict | None = None


@dataclass(frozen=True)
class Definition:
    code: str
    name_nb: str
    name_en: str
    focus_area: str
    unit: str
    direction: str = "higher"
    target_value: Decimal | None = None
    target_year: int | None = None
    breakdowns: tuple[str, ...] = ()
    method: str = "computed"  # "computed" from the portfolio or "manual" (reported by hand)
    source: str = ""
    method_version: int = 1
    counts_people: bool = False
    description: str = ""  # the method text: how the value is worked out
    numerator: str = ""  # what is counted above the line
    denominator: str = ""  # what it is divided by (empty for counts)
    baseline_year: int | None = None  # the year the plan's target is measured from
    target_factor: Decimal | None = None  # target = baseline-year value × factor ("doubled")
    target_note: str = ""  # the target in the plan's words
    annual_only: bool = False  # computed for years and the year to date, never for a month
    compute: Callable[[Period], list[Row]] | None = None
    # Drill-down: the studies behind a value, and the path from Study to the scope's organisation.
    studies: Callable[[Period], Q] | None = None
    study_scope: str = "sites__organisation"
    key: bool = False  # shown in the league table
    national_only: bool = False  # computed or reported for the whole country only
    needs: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.method == "manual":
            object.__setattr__(self, "national_only", True)


def _dec(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(round(float(value), 4)))


def share(numerator, denominator) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """Percent, numerator, denominator; no value when there is nothing to divide by."""
    if not denominator:
        return None, _dec(numerator or 0), _dec(denominator or 0)
    return _dec(100 * numerator / denominator), _dec(numerator), _dec(denominator)


def growth(current, previous) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """Percent change from ``previous`` to ``current``."""
    if not previous:
        return None, _dec(current or 0), _dec(previous or 0)
    return _dec(100 * (current - previous) / previous), _dec(current), _dec(previous)


def count(n) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    return _dec(n or 0), _dec(n or 0), None


# --- breakdowns -------------------------------------------------------------------------------


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


def enrolment_breakdowns(period: Period) -> dict:
    return {
        "hrcs": F("study__hrcs_categories__code"),
        "sex": F("participant__sex"),
        "age_band": age_band("participant__birth_year", period.start.year),
        "care_level": care_level("site__organisation__kind"),
        "sponsor_type": F("study__sponsor_type"),
        "municipality": F("participant__home_municipality__code"),
    }


# Breakdowns with many values are not computed per organisation.
BREAKDOWN_LEVELS = {"municipality": (NATIONAL, REGION)}


def by_scope(
    qs: QuerySet,
    *,
    region: str,
    organisation: str,
    aggregates: dict,
    to_value: Callable[[dict], tuple],
    breakdowns: dict | None = None,
    levels: Iterable[str] = ALL_LEVELS,
) -> list[Row]:
    """Aggregate ``qs`` for the national scope, per region, per health trust (hospitals rolled up to
    their HF) and per organisation, with breakdowns.

    One query per (level × breakdown); the loop runs over aggregated rows, never source rows. The
    trust level is aggregated in the database, not summed from organisations, so a person at two
    hospitals of one HF counts once there.
    """
    rows: list[Row] = []
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
                region_id = result.get(region) if level == REGION else None
                organisation_id = {
                    ORGANISATION: result.get(organisation),
                    TRUST: result.get("_trust"),
                }.get(level)
                if level != NATIONAL and region_id is None and organisation_id is None:
                    continue
                value, numerator, denominator, *coverage = to_value(result)
                breakdown_value = result.get("_breakdown") if name else ""
                rows.append(
                    Row(
                        scope_kind=level,
                        scope_key=scope_key(level, region_id, organisation_id),
                        region_id=region_id,
                        organisation_id=organisation_id,
                        breakdown=name,
                        breakdown_value="" if breakdown_value is None else str(breakdown_value),
                        value=value,
                        numerator=numerator,
                        denominator=denominator,
                        coverage=coverage[0] if coverage else None,
                    )
                )
    return rows


# --- period filters ---------------------------------------------------------------------------


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


ENROLMENT_SCOPE = {
    "region": "site__organisation__region_id",
    "organisation": "site__organisation_id",
}
SITE_SCOPE = {"region": "organisation__region_id", "organisation": "organisation_id"}
STUDY_SCOPE = {
    "region": "responsible_organisation__region_id",
    "organisation": "responsible_organisation_id",
}
AGREEMENT_SCOPE = {"region": "organisation__region_id", "organisation": "organisation_id"}
MILESTONE_SCOPE = {
    "region": "agreement__organisation__region_id",
    "organisation": "agreement__organisation_id",
}

# --- focus area 1 and overall goals: participation ---------------------------------------------

PEOPLE = {
    "n": Count("participant", distinct=True),
    "unknown_sex": Count(
        "participant", distinct=True, filter=Q(participant__sex__in=["unknown", ""])
    ),
    "unknown_age": Count("participant", distinct=True, filter=Q(participant__birth_year=None)),
}


def people_count(r: dict) -> tuple:
    """A count of people with its coverage: the shares with unknown sex and unknown age."""
    coverage = {
        "unknown_sex_share": percent(r["unknown_sex"], r["n"]),
        "unknown_age_share": percent(r["unknown_age"], r["n"]),
    }
    return (*count(r["n"]), coverage)


def participants_active(period: Period) -> list[Row]:
    return by_scope(
        Enrolment.objects.filter(enrolment_active(period)),
        **ENROLMENT_SCOPE,
        aggregates=PEOPLE,
        to_value=people_count,
        breakdowns=enrolment_breakdowns(period),
    )


def participants_included(period: Period) -> list[Row]:
    return by_scope(
        Enrolment.objects.filter(within("included_on", period)),
        **ENROLMENT_SCOPE,
        aggregates=PEOPLE,
        to_value=people_count,
        breakdowns={k: v for k, v in enrolment_breakdowns(period).items() if k != "municipality"},
    )


PER_100K_LEVELS = (NATIONAL, REGION, TRUST)


def participants_per_100k(period: Period) -> list[Row]:
    """New participants per 100 000 inhabitants of the scope's population (the region, or the
    catchment area of the health trust)."""
    people = by_scope(
        Enrolment.objects.filter(within("included_on", period)),
        **ENROLMENT_SCOPE,
        aggregates={"n": Count("participant", distinct=True)},
        to_value=lambda r: count(r["n"]),
        levels=PER_100K_LEVELS,
    )
    figures = denominators.population(period.start.year)
    return [
        _per(row, figures.get(row.scope_key), 100_000) for row in people if row.scope_key in figures
    ]


def _per(row: Row, figure: denominators.Figure, per: int) -> Row:
    value = _dec(row.numerator * per / figure.value) if figure.value else None
    coverage = {"reference_year": figure.year, "source": figure.source}
    if figure.municipalities is not None:
        coverage["municipalities"] = figure.municipalities
    return Row(
        row.scope_kind,
        row.scope_key,
        row.region_id,
        row.organisation_id,
        "",
        "",
        value,
        row.numerator,
        _dec(figure.value),
        coverage,
    )


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


def consents_digital(period: Period) -> list[Row]:
    """Consents given (or given again) through the digital channel, from the consent ledger.

    Scoped by the study's responsible organisation: a consent belongs to the study, not a site.
    """
    start, end = period.bounds()
    qs = ConsentEvent.objects.filter(
        kind__in=[ConsentEvent.Kind.GIVEN, ConsentEvent.Kind.RECONSENTED],
        channel=ConsentEvent.Channel.DIGITAL,
        occurred_at__gte=start,
        occurred_at__lt=end,
    )
    return by_scope(
        qs,
        region="study__responsible_organisation__region_id",
        organisation="study__responsible_organisation_id",
        aggregates={"n": Count("pk")},
        to_value=lambda r: count(r["n"]),
    )


def studies_open_public(period: Period) -> list[Row]:
    return by_scope(
        StudySite.objects.filter(site_active(period), study__is_published=True),
        **SITE_SCOPE,
        aggregates={"n": Count("study", distinct=True)},
        to_value=lambda r: count(r["n"]),
        breakdowns={
            "hrcs": F("study__hrcs_categories__code"),
            "care_level": care_level("organisation__kind"),
            "sponsor_type": F("study__sponsor_type"),
        },
    )


MIN_N_MEDIAN = 5  # fewer studies than this and a median is not published


def median_of_studies(r: dict) -> tuple:
    """A median with its n; withheld (no value) below ``MIN_N_MEDIAN`` studies."""
    below = r["n"] < MIN_N_MEDIAN
    coverage = {"n": r["n"], "min_n": MIN_N_MEDIAN, "below_min_n": below}
    return (None if below else _dec(r["median"]), _dec(r["n"]), None, coverage)


def first_enrolment_on() -> Subquery:
    """The day the study's first recorded enrolment was included."""
    return Subquery(
        Enrolment.objects.filter(study=OuterRef("pk"))
        .order_by()
        .values("study")
        .annotate(first=Min("included_on"))
        .values("first")
    )


def first_enrolled_in(period: Period) -> QuerySet:
    """Studies whose first recorded enrolment was in the period."""
    return Study.objects.annotate(first_enrolled_on=first_enrolment_on()).filter(
        within("first_enrolled_on", period)
    )


def approval_to_first_patient(period: Period) -> list[Row]:
    """Days from approval to the first recorded enrolment: from the DMP approval for a drug trial
    (a study with a DMP approval), from the REK approval otherwise."""
    from django.db.models.functions import Coalesce

    approved = Coalesce("dmp_approved_on", "rek_approved_on")
    return by_scope(
        first_enrolled_in(period)
        .filter(rek_approved_on__isnull=False)
        .annotate(days=DaysBetween(F("first_enrolled_on"), approved)),
        **STUDY_SCOPE,
        aggregates={"median": Median("days"), "n": Count("pk")},
        to_value=median_of_studies,
    )


# --- focus area 2: research integrated in care ---------------------------------------------------


def enrolment_activity(period: Period) -> list[Row]:
    return by_scope(
        Enrolment.objects.filter(enrolment_active(period)),
        **ENROLMENT_SCOPE,
        aggregates={"n": Count("pk")},
        to_value=lambda r: count(r["n"]),
        breakdowns={"care_level": care_level("site__organisation__kind")},
    )


def _capacity(period: Period) -> QuerySet:
    return OrganisationCapacity.objects.filter(year=period.start.year)


CAPACITY_SCOPE = {"region": "organisation__region_id", "organisation": "organisation_id"}


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
    per_profession = {
        p: Sum(Cast(KT(f"phd_by_profession__{p}"), IntegerField())) for p in PROFESSIONS
    }
    per_profession["reporting"] = Count("organisation", distinct=True)
    # One query per scope level holds every profession; spread it into total and breakdown rows.
    raw = by_scope(
        _capacity(period).exclude(phd_by_profession={}),
        **CAPACITY_SCOPE,
        aggregates=per_profession,
        to_value=lambda r: (r, 0, 0),
    )
    rows = []
    for total in raw:
        figures = {p: total.value[p] or 0 for p in PROFESSIONS}
        scope = (total.scope_kind, total.scope_key, total.region_id, total.organisation_id)
        coverage = {"reporting": total.value["reporting"]}
        rows.append(Row(*scope, "", "", *count(sum(figures.values())), coverage))
        rows.extend(Row(*scope, "profession", p, *count(n)) for p, n in figures.items())
    return rows


def shared_positions(period: Period) -> list[Row]:
    return _capacity_sum(period, "shared_research_clinic_positions")


def shared_university_positions(period: Period) -> list[Row]:
    return _capacity_sum(period, "shared_university_positions")


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
        row, figure = rows.get(key), figures.get(key)
        if row is None:  # a reported denominator and nobody recruited
            level = _scope_kind(key)
            region_id = figure.region_id if level == REGION else None
            row = Row(level, key, region_id, figure.organisation_id, "", "", *count(0))
        result.append(_kbs_share_row(row, figure))
    return result


def _scope_kind(key: str) -> str:
    return {"region": REGION, "hf": TRUST}.get(key.partition(":")[0], NATIONAL)


def _kbs_share_row(row: Row, figure: denominators.Figure | None) -> Row:
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


# --- studies: counts and growth -----------------------------------------------------------------


def _active_study_sites(period: Period, **filters) -> QuerySet:
    return StudySite.objects.filter(site_active(period), **filters)


def kbs_count(period: Period) -> list[Row]:
    return by_scope(
        _active_study_sites(period, study__category=Study.Category.KBS),
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


def _site_growth(period: Period, **filters) -> list[Row]:
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


def kbs_growth(period: Period) -> list[Row]:
    return _site_growth(period, study__category=Study.Category.KBS)


def industry_studies(period: Period) -> list[Row]:
    return by_scope(
        _active_study_sites(period, study__sponsor_type=Study.SponsorType.INDUSTRY),
        **SITE_SCOPE,
        aggregates={"n": Count("study", distinct=True)},
        to_value=lambda r: count(r["n"]),
        breakdowns={"hrcs": F("study__hrcs_categories__code")},
    )


def industry_growth(period: Period) -> list[Row]:
    return _site_growth(period, study__sponsor_type=Study.SponsorType.INDUSTRY)


def studies_digital_share(period: Period) -> list[Row]:
    """Share of active studies that are registry-based or have decentralised elements."""
    digital = Q(study__category=Study.Category.REGISTRY) | Q(study__decentralised=True)
    digital |= Q(is_decentralised=True)
    return by_scope(
        _active_study_sites(period),
        **SITE_SCOPE,
        aggregates={
            "num": Count("study", distinct=True, filter=digital),
            "den": Count("study", distinct=True),
        },
        to_value=lambda r: share(r["num"], r["den"]),
    )


INTERVENTIONAL = [Study.Category.KBS, Study.Category.OTHER_INTERVENTIONAL]


def studies_per_million(period: Period) -> list[Row]:
    """Interventional studies (clinical treatment studies and other interventional studies) open
    for inclusion nationally per million inhabitants, with the reported European top-three figure
    beside it: European registry comparisons count interventional trials only."""
    from .models import ReportedFigure

    rows = by_scope(
        _active_study_sites(period, study__category__in=INTERVENTIONAL),
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
    result = []
    for row in rows:
        if population is None:
            continue
        row = _per(row, population, 1_000_000)
        if europe:
            row.coverage["europe_top3"] = float(europe["value"])
            row.coverage["europe_year"] = europe["period_start"].year
        result.append(row)
    return result


# --- focus area 3: industry collaboration --------------------------------------------------------


def agreements_cancelled(period: Period) -> list[Row]:
    return by_scope(
        Agreement.objects.filter(within("cancelled_on", period), status=Agreement.Status.CANCELLED),
        **AGREEMENT_SCOPE,
        aggregates={"n": Count("pk")},
        to_value=lambda r: count(r["n"]),
        breakdowns={"reason": F("cancellation_reason")},
    )


def _industry_completed(period: Period) -> QuerySet:
    """Agreements of industry-sponsored studies that ended recruitment in the period, each marked
    ``kept`` when none of the study's agreements was cancelled or missed a milestone (not met, or
    met after the planned day; waived milestones do not count)."""
    broken = Milestone.objects.filter(agreement__study=OuterRef("study"), planned_on__lt=period.end)
    broken = broken.exclude(status=Milestone.Status.WAIVED).filter(
        Q(actual_on__isnull=True) | Q(actual_on__gt=F("planned_on"))
    )
    cancelled = Agreement.objects.filter(study=OuterRef("study"), status=Agreement.Status.CANCELLED)
    return Agreement.objects.filter(
        within("study__actual_recruitment_end_on", period),
        study__sponsor_type=Study.SponsorType.INDUSTRY,
    ).annotate(kept=~Exists(broken) & ~Exists(cancelled))


INDUSTRY_DELIVERED = {
    "num": Count("study", distinct=True, filter=Q(kept=True)),
    "den": Count("study", distinct=True),
}


def industry_delivered(period: Period) -> list[Row]:
    """The number of industry-funded studies carried out according to the agreement."""
    return by_scope(
        _industry_completed(period),
        **AGREEMENT_SCOPE,
        aggregates=INDUSTRY_DELIVERED,
        to_value=lambda r: count(r["num"]),
    )


def industry_delivered_share(period: Period) -> list[Row]:
    """The same studies as a share of the industry studies that ended recruitment in the period."""
    return by_scope(
        _industry_completed(period),
        **AGREEMENT_SCOPE,
        aggregates=INDUSTRY_DELIVERED,
        to_value=lambda r: share(r["num"], r["den"]),
    )


def _feasibility(period: Period, date_field: str) -> QuerySet:
    start, end = period.bounds()
    return FeasibilityRequest.objects.filter(
        **{f"{date_field}__gte": start, f"{date_field}__lt": end}
    )


NATIONAL_ONLY = {"region": "", "organisation": "", "levels": (NATIONAL,)}


def feasibility_days(period: Period) -> list[Row]:
    from django.db.models.functions import TruncDate

    return by_scope(
        _feasibility(period, "compiled_sent_at").annotate(
            days=DaysBetween(TruncDate("compiled_sent_at"), TruncDate("received_at"))
        ),
        **NATIONAL_ONLY,
        aggregates={"median": Median("days"), "n": Count("pk")},
        to_value=lambda r: (_dec(r["median"]), _dec(r["n"]), None),
    )


def feasibility_satisfaction(period: Period) -> list[Row]:
    return by_scope(
        _feasibility(period, "outcome_reported_at").filter(satisfaction__isnull=False),
        **NATIONAL_ONLY,
        aggregates={"mean": Avg("satisfaction"), "n": Count("pk")},
        to_value=lambda r: (_dec(r["mean"]), _dec(r["n"]), None),
    )


def feasibility_portal_requests(period: Period) -> list[Row]:
    """The number of sponsor requests received through the feasibility portal."""
    return by_scope(
        _feasibility(period, "received_at").filter(channel=FeasibilityRequest.Channel.PORTAL),
        **NATIONAL_ONLY,
        aggregates={"n": Count("pk")},
        to_value=lambda r: count(r["n"]),
    )


def feasibility_portal_share(period: Period) -> list[Row]:
    return by_scope(
        _feasibility(period, "received_at"),
        **NATIONAL_ONLY,
        aggregates={
            "num": Count("pk", filter=Q(channel=FeasibilityRequest.Channel.PORTAL)),
            "den": Count("pk"),
        },
        to_value=lambda r: share(r["num"], r["den"]),
    )


# --- start-up measures (UK national KPIs) ------------------------------------------------------


def commercial_fpi_150(period: Period) -> list[Row]:
    from datetime import timedelta

    on_time = Q(first_patient_in_on__lte=F("application_submitted_on") + timedelta(days=150))
    return by_scope(
        Study.objects.filter(
            within("first_patient_in_on", period),
            sponsor_type=Study.SponsorType.INDUSTRY,
            application_submitted_on__isnull=False,
        ),
        **STUDY_SCOPE,
        aggregates={"num": Count("pk", filter=on_time), "den": Count("pk")},
        to_value=lambda r: share(r["num"], r["den"]),
    )


def open_within_60(period: Period) -> list[Row]:
    """Sites activated in the period, share activated within 60 days of the study's approval."""
    from datetime import timedelta

    from django.db.models.functions import Coalesce

    approved = Coalesce("study__dmp_approved_on", "study__rek_approved_on")
    return by_scope(
        StudySite.objects.filter(
            within("activated_on", period), study__rek_approved_on__isnull=False
        ),
        **SITE_SCOPE,
        aggregates={
            "num": Count("pk", filter=Q(activated_on__lte=approved + timedelta(days=60))),
            "den": Count("pk"),
        },
        to_value=lambda r: share(r["num"], r["den"]),
    )


def fpi_within_30(period: Period) -> list[Row]:
    from datetime import timedelta

    return by_scope(
        Study.objects.filter(within("first_patient_in_on", period), opened_on__isnull=False),
        **STUDY_SCOPE,
        aggregates={
            "num": Count(
                "pk", filter=Q(first_patient_in_on__lte=F("opened_on") + timedelta(days=30))
            ),
            "den": Count("pk"),
        },
        to_value=lambda r: share(r["num"], r["den"]),
    )


def delivering_time_target(period: Period) -> list[Row]:
    """Studies whose recruitment ended in the period on time with the target reached."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    enrolled = (
        Enrolment.objects.filter(study=OuterRef("pk"))
        .order_by()
        .values("study")
        .annotate(n=Count("pk"))
        .values("n")
    )
    studies = Study.objects.filter(
        within("actual_recruitment_end_on", period), target_enrolment__isnull=False
    ).annotate(enrolled=Coalesce(Subquery(enrolled), 0))
    delivered = Q(
        enrolled__gte=F("target_enrolment"),
        actual_recruitment_end_on__lte=F("planned_recruitment_end_on"),
    )
    return by_scope(
        studies,
        **STUDY_SCOPE,
        aggregates={"num": Count("pk", filter=delivered), "den": Count("pk")},
        to_value=lambda r: share(r["num"], r["den"]),
    )


# --- drill-down filters (Study rows behind a value) --------------------------------------------


def studies_with_active_enrolments(period: Period) -> Q:
    return Q(pk__in=Enrolment.objects.filter(enrolment_active(period)).values("study_id"))


def studies_with_active_sites(period: Period, **filters) -> Q:
    return Q(pk__in=StudySite.objects.filter(site_active(period), **filters).values("study_id"))


# --- the catalogue --------------------------------------------------------------------------------

PEOPLE_BREAKDOWNS = ("hrcs", "sex", "age_band", "care_level", "sponsor_type", "municipality")


def _manual(code, name_nb, name_en, focus, unit, source, direction="higher", **kw) -> Definition:
    return Definition(
        code=code,
        name_nb=name_nb,
        name_en=name_en,
        focus_area=focus,
        unit=unit,
        direction=direction,
        method="manual",
        source=source,
        **kw,
    )


CATALOGUE: dict[str, Definition] = {
    d.code: replace(d, **METHODS.get(d.code, {}))
    for d in [
        # Overall goals
        Definition(
            "participants-included",
            "Nye deltakere i kliniske studier",
            "New participants in clinical studies",
            FOCUS_OVERALL,
            "personer",
            breakdowns=PEOPLE_BREAKDOWNS[:-1],
            counts_people=True,
            compute=participants_included,
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
        _manual(
            "industry-rd-investment",
            "Næringslivets FoU-investeringer i helse",
            "Industry R&D investment in health",
            FOCUS_OVERALL,
            "MNOK",
            "SSB FoU-statistikk",
        ),
        # 1 Patients' opportunities
        Definition(
            "participants-active",
            "Pasienter som deltar i kliniske studier, hele helsetjenesten",
            "Patients taking part in clinical studies, whole health service",
            FOCUS_PATIENTS,
            "personer",
            breakdowns=PEOPLE_BREAKDOWNS,
            counts_people=True,
            compute=participants_active,
            studies=studies_with_active_enrolments,
            key=True,
        ),
        Definition(
            "participants-per-100k",
            "Nye deltakere per 100 000 innbyggere",
            "New participants per 100 000 inhabitants",
            FOCUS_PATIENTS,
            "per 100 000",
            counts_people=True,
            compute=participants_per_100k,
            source="Folketall: rapporterte nevnere (SSB tabell 07459), kommune → opptaksområde",
            key=True,
        ),
        Definition(
            "consents-digital",
            "Samtykker registrert gjennom digital kanal",
            "Consents registered through the digital channel",
            FOCUS_PATIENTS,
            "samtykker",
            counts_people=True,
            compute=consents_digital,
            description="Fra samtykkeloggen (kanal = digital).",
        ),
        Definition(
            "studies-open-public",
            "Studier åpne for inklusjon i den offentlige oversikten",
            "Studies open for inclusion in the public overview",
            FOCUS_PATIENTS,
            "studier",
            breakdowns=("hrcs", "care_level", "sponsor_type"),
            compute=studies_open_public,
            studies=lambda p: studies_with_active_sites(p, study__is_published=True),
            key=True,
        ),
        Definition(
            "approval-to-first-patient-days",
            "Tid fra godkjenning til første pasient inkludert (median)",
            "Time from approval to first patient included (median)",
            FOCUS_PATIENTS,
            "dager",
            direction="lower",
            compute=approval_to_first_patient,
            method_version=2,
            studies=lambda p: Q(pk__in=first_enrolled_in(p).values("pk")),
            study_scope="responsible_organisation",
        ),
        # 2 Research integrated in care
        Definition(
            "enrolment-activity",
            "Aktivitet knyttet til kliniske studier (løpende inklusjoner)",
            "Activity linked to clinical studies (running enrolments)",
            FOCUS_INTEGRATED,
            "inklusjoner",
            breakdowns=("care_level",),
            counts_people=True,
            compute=enrolment_activity,
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
        # 3 Industry collaboration
        Definition(
            "industry-studies",
            "Studier med industrisponsor",
            "Studies with an industry sponsor",
            FOCUS_INDUSTRY,
            "studier",
            breakdowns=("hrcs",),
            compute=industry_studies,
            studies=lambda p: studies_with_active_sites(
                p, study__sponsor_type=Study.SponsorType.INDUSTRY
            ),
            key=True,
        ),
        Definition(
            "industry-growth",
            "Årlig vekst i studier med industrisponsor",
            "Annual growth in industry-sponsored studies",
            FOCUS_INDUSTRY,
            "%",
            compute=industry_growth,
            annual_only=True,
            method_version=2,
            target_note="Årlig økning i antall kliniske studier med industrisponsor",
        ),
        Definition(
            "agreements-cancelled",
            "Kansellerte avtaler",
            "Cancelled agreements",
            FOCUS_INDUSTRY,
            "avtaler",
            direction="lower",
            breakdowns=("reason",),
            compute=agreements_cancelled,
            studies=lambda p: Q(
                pk__in=Agreement.objects.filter(
                    within("cancelled_on", p), status=Agreement.Status.CANCELLED
                ).values("study_id")
            ),
            study_scope="agreements__organisation",
            key=True,
        ),
        Definition(
            "industry-delivered",
            "Industrifinansierte studier gjennomført i henhold til inngått avtale",
            "Industry-funded studies carried out according to agreement",
            FOCUS_INDUSTRY,
            "studier",
            compute=industry_delivered,
            method_version=2,
            studies=lambda p: Q(pk__in=_industry_completed(p).filter(kept=True).values("study_id")),
            study_scope="agreements__organisation",
        ),
        Definition(
            "industry-delivered-share",
            "Andel industrifinansierte studier gjennomført i henhold til avtale",
            "Share of industry-funded studies carried out according to agreement",
            FOCUS_INDUSTRY,
            "%",
            compute=industry_delivered_share,
            studies=lambda p: Q(pk__in=_industry_completed(p).values("study_id")),
            study_scope="agreements__organisation",
        ),
        Definition(
            "feasibility-days",
            "Tid til ferdig mulighetsvurdering (median)",
            "Time to completed feasibility assessment (median)",
            FOCUS_INDUSTRY,
            "dager",
            direction="lower",
            compute=feasibility_days,
            national_only=True,
        ),
        Definition(
            "feasibility-satisfaction",
            "Sponsorers tilfredshet med mulighetsvurderingen (1–5)",
            "Sponsors' satisfaction with the feasibility process (1–5)",
            FOCUS_INDUSTRY,
            "skår",
            compute=feasibility_satisfaction,
            national_only=True,
        ),
        Definition(
            "feasibility-portal-requests",
            "Henvendelser fra industrisponsor som bruker portalen",
            "Sponsor requests that use the feasibility portal",
            FOCUS_INDUSTRY,
            "henvendelser",
            compute=feasibility_portal_requests,
            national_only=True,
        ),
        Definition(
            "feasibility-portal-share",
            "Andel sponsorforespørsler via portalen",
            "Share of sponsor requests through the portal",
            FOCUS_INDUSTRY,
            "%",
            compute=feasibility_portal_share,
            national_only=True,
        ),
        # 4 Efficient, safe conduct
        _manual(
            "dmp-case-days-phase-1-2",
            "Gjennomsnittlig saksbehandlingstid, søknader fase I og II",
            "Mean case-processing time, phase I and II applications",
            FOCUS_CONDUCT,
            "dager",
            "DMP",
            direction="lower",
        ),
        _manual(
            "dmp-guidance-sessions",
            "Veiledningsmøter (DMP)",
            "Guidance sessions (DMP)",
            FOCUS_CONDUCT,
            "møter",
            "DMP",
        ),
        _manual(
            "dmp-faster-than-required",
            "Søknader behandlet med kortere frister enn regelverket krever",
            "Applications processed faster than regulation requires",
            FOCUS_CONDUCT,
            "søknader",
            "DMP",
            method_version=2,
        ),
        _manual(
            "hds-tailored-deliveries",
            "Skreddersydde statistikkleveranser (Helsedataservice)",
            "Tailored-statistics deliveries (Health data service)",
            FOCUS_CONDUCT,
            "leveranser",
            "Helsedataservice",
        ),
        _manual(
            "hds-delivery-median-days",
            "Median leveringstid for data (Helsedataservice)",
            "Median data-delivery time (Health data service)",
            FOCUS_CONDUCT,
            "dager",
            "Helsedataservice",
            direction="lower",
        ),
        Definition(
            "commercial-fpi-150-days",
            "Andel industristudier med første deltaker innen 150 dager etter søknad",
            "Commercial studies with first participant within 150 days of application",
            FOCUS_CONDUCT,
            "%",
            compute=commercial_fpi_150,
            studies=lambda p: (
                within("first_patient_in_on", p) & Q(sponsor_type=Study.SponsorType.INDUSTRY)
            ),
            study_scope="responsible_organisation",
        ),
        Definition(
            "open-within-60-days",
            "Andel studiesteder åpnet innen 60 dager etter godkjenning",
            "Sites opened within 60 days of approval",
            FOCUS_CONDUCT,
            "%",
            compute=open_within_60,
            studies=lambda p: Q(
                pk__in=StudySite.objects.filter(within("activated_on", p)).values("study_id")
            ),
        ),
        Definition(
            "fpi-within-30-days",
            "Andel studier med første deltaker innen 30 dager etter åpning",
            "First participant within 30 days of opening",
            FOCUS_CONDUCT,
            "%",
            compute=fpi_within_30,
            studies=lambda p: within("first_patient_in_on", p),
            study_scope="responsible_organisation",
        ),
        Definition(
            "delivering-to-time-and-target",
            "Andel studier som leverer i tide og når rekrutteringsmålet",
            "Studies delivering to time and target",
            FOCUS_CONDUCT,
            "%",
            compute=delivering_time_target,
            studies=lambda p: within("actual_recruitment_end_on", p),
            study_scope="responsible_organisation",
        ),
        # 5 International
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
        _manual(
            "population",
            "Folketall",
            "Population",
            FOCUS_INTERNATIONAL,
            "personer",
            "SSB tabell 07459",
        ),
        _manual(
            "europe-studies-per-million-top3",
            "Studier per million innbyggere, tredje beste land i Europa",
            "Studies per million inhabitants, third-best country in Europe",
            FOCUS_INTERNATIONAL,
            "per million",
            "EU CTIS / ClinicalTrials.gov",
        ),
        _manual(
            "eu-programme-return-share",
            "Returandel fra EUs helseprogram",
            "Return share from the EU health programme",
            FOCUS_INTERNATIONAL,
            "%",
            "Forskningsrådet",
        ),
        _manual(
            "eu-projects-norwegian-coordinator",
            "EU-prosjekter med norsk koordinator",
            "EU projects with a Norwegian coordinator",
            FOCUS_INTERNATIONAL,
            "prosjekter",
            "Forskningsrådet",
        ),
    ]
}
