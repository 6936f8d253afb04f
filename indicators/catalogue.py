"""The indicator catalogue: code → definition + compute function.

Every compute function aggregates in the database and returns ``Row`` values for the national scope,
each region and each organisation, with a fixed number of queries whatever the number of rows. To add
an indicator, write a small function with ``by_scope`` and register a ``Definition``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from consents.models import ConsentEvent, Enrolment
from sites.models import Organisation, OrganisationCapacity
from sites.selectors import organisation_health_trust
from trials.models import Agreement, FeasibilityRequest, Milestone, Study, StudySite

from .aggregates import DaysBetween, Median
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
PROFESSIONS = ["lege", "sykepleier", "psykolog", "fysioterapeut", "farmasoyt", "tannlege"]


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
    method: str = "computed"
    source: str = ""
    method_version: int = 1
    counts_people: bool = False
    description: str = ""
    numerator: str = ""  # what the numerator counts, in words (public method text)
    denominator: str = ""  # what the denominator counts, in words
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
                value, numerator, denominator = to_value(result)
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


def participants_active(period: Period) -> list[Row]:
    return by_scope(
        Enrolment.objects.filter(enrolment_active(period)),
        **ENROLMENT_SCOPE,
        aggregates={"n": Count("participant", distinct=True)},
        to_value=lambda r: count(r["n"]),
        breakdowns=enrolment_breakdowns(period),
    )


def participants_included(period: Period) -> list[Row]:
    return by_scope(
        Enrolment.objects.filter(within("included_on", period)),
        **ENROLMENT_SCOPE,
        aggregates={"n": Count("participant", distinct=True)},
        to_value=lambda r: count(r["n"]),
        breakdowns={k: v for k, v in enrolment_breakdowns(period).items() if k != "municipality"},
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


def approval_to_first_patient(period: Period) -> list[Row]:
    from django.db.models.functions import Coalesce

    approved = Coalesce("dmp_approved_on", "rek_approved_on")
    return by_scope(
        Study.objects.filter(
            within("first_patient_in_on", period), rek_approved_on__isnull=False
        ).annotate(days=DaysBetween(F("first_patient_in_on"), approved)),
        **STUDY_SCOPE,
        aggregates={"median": Median("days"), "n": Count("pk")},
        to_value=lambda r: (_dec(r["median"]), _dec(r["n"]), None),
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


def research_person_years(period: Period) -> list[Row]:
    return by_scope(
        _capacity(period).filter(research_person_years__isnull=False),
        **CAPACITY_SCOPE,
        aggregates={"total": Sum("research_person_years")},
        to_value=lambda r: count(r["total"]),
    )


def phd_coverage(period: Period) -> list[Row]:
    """Employees with a PhD, in total and per health profession (from the capacity figures)."""
    per_profession = {
        p: Sum(Cast(KT(f"phd_by_profession__{p}"), IntegerField())) for p in PROFESSIONS
    }
    # One query per scope level holds every profession; spread it into total and breakdown rows.
    raw = by_scope(
        _capacity(period), **CAPACITY_SCOPE, aggregates=per_profession, to_value=lambda r: (r, 0, 0)
    )
    rows = []
    for total in raw:
        figures = {p: total.value[p] or 0 for p in PROFESSIONS}
        scope = (total.scope_kind, total.scope_key, total.region_id, total.organisation_id)
        rows.append(Row(*scope, "", "", *count(sum(figures.values()))))
        rows.extend(Row(*scope, "profession", p, *count(n)) for p, n in figures.items())
    return rows


def shared_positions(period: Period) -> list[Row]:
    return by_scope(
        _capacity(period).filter(shared_research_clinic_positions__isnull=False),
        **CAPACITY_SCOPE,
        aggregates={"total": Sum("shared_research_clinic_positions")},
        to_value=lambda r: count(r["total"]),
    )


def kbs_share_specialist(period: Period) -> list[Row]:
    """Participants in clinical treatment studies at specialist-care sites / patients treated."""
    participants = by_scope(
        Enrolment.objects.filter(
            enrolment_active(period),
            study__category=Study.Category.KBS,
            site__organisation__kind__in=SPECIALIST_KINDS,
        ),
        **ENROLMENT_SCOPE,
        aggregates={"n": Count("participant", distinct=True)},
        to_value=lambda r: count(r["n"]),
    )
    treated = by_scope(
        _capacity(period).filter(
            patients_treated__isnull=False, organisation__kind__in=SPECIALIST_KINDS
        ),
        **CAPACITY_SCOPE,
        aggregates={"total": Sum("patients_treated")},
        to_value=lambda r: count(r["total"]),
    )
    numerators = {row.scope_key: row for row in participants}
    result = []
    for row in treated:
        n = numerators.get(row.scope_key)
        value, num, den = share(n.value if n else 0, row.value)
        result.append(
            Row(
                row.scope_kind,
                row.scope_key,
                row.region_id,
                row.organisation_id,
                "",
                "",
                value,
                num,
                den,
            )
        )
    return result


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


def studies_per_million(period: Period) -> list[Row]:
    """Active studies nationally per million inhabitants (population is reported manually)."""
    from .models import ReportedFigure

    population = (
        ReportedFigure.objects.filter(indicator__code="population", period_start__lte=period.start)
        .order_by("-period_start")
        .values_list("value", flat=True)
        .first()
    )
    rows = by_scope(
        _active_study_sites(period),
        **SITE_SCOPE,
        aggregates={"n": Count("study", distinct=True)},
        to_value=lambda r: (None, _dec(r["n"]), None),
        levels=(NATIONAL,),
    )
    result = []
    for row in rows:
        value = _dec(row.numerator * Decimal(1_000_000) / population) if population else None
        result.append(
            Row(NATIONAL, NATIONAL, None, None, "", "", value, row.numerator, _dec(population))
        )
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


def industry_delivered(period: Period) -> list[Row]:
    """Milestones due in the period that were met on time, as a share of those due."""
    met = Q(actual_on__isnull=False, actual_on__lte=F("planned_on"))
    return by_scope(
        Milestone.objects.filter(within("planned_on", period)).exclude(
            status=Milestone.Status.WAIVED
        ),
        **MILESTONE_SCOPE,
        aggregates={"num": Count("pk", filter=met), "den": Count("pk")},
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
    d.code: d
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
            counts_people=True,
            compute=participants_growth,
            description="Nye deltakere i perioden mot samme periode året før.",
        ),
        Definition(
            "kbs-share-specialist",
            "Andel pasienter i spesialisthelsetjenesten som deltar i kliniske behandlingsstudier",
            "Share of specialist-care patients in clinical treatment studies",
            FOCUS_OVERALL,
            "%",
            target_value=Decimal(5),
            target_year=2025,
            counts_people=True,
            compute=kbs_share_specialist,
            key=True,
            description="Deltakere i KBS ved spesialisthelsetjenesten / pasienter behandlet (år).",
            studies=lambda p: studies_with_active_sites(p, study__category=Study.Category.KBS),
        ),
        Definition(
            "kbs-count",
            "Kliniske behandlingsstudier åpne for inklusjon",
            "Clinical treatment studies open for inclusion",
            FOCUS_OVERALL,
            "studier",
            breakdowns=("hrcs", "sponsor_type"),
            compute=kbs_count,
            key=True,
            studies=lambda p: studies_with_active_sites(p, study__category=Study.Category.KBS),
        ),
        Definition(
            "kbs-growth",
            "Årlig vekst i antall kliniske behandlingsstudier",
            "Annual growth in clinical treatment studies",
            FOCUS_OVERALL,
            "%",
            target_value=Decimal(15),
            target_year=2025,
            compute=kbs_growth,
            key=True,
            description="Mot samme periode året før; mål 15 % per region.",
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
            description="Ulike deltakere med en inklusjon som løp en gang i perioden.",
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
            studies=lambda p: within("first_patient_in_on", p),
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
        ),
        Definition(
            "shared-positions",
            "Delte stillinger forskning/klinikk",
            "Shared research/clinical positions",
            FOCUS_INTEGRATED,
            "stillinger",
            compute=shared_positions,
        ),
        Definition(
            "research-person-years",
            "Forskningsårsverk (mål: doblet innen 2036)",
            "Research person-years (goal: doubled by 2036)",
            FOCUS_INTEGRATED,
            "årsverk",
            target_year=2036,
            compute=research_person_years,
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
            "Industristudier levert etter avtale (milepæler nådd i tide)",
            "Industry studies delivered according to agreement (milestones met on time)",
            FOCUS_INDUSTRY,
            "%",
            compute=industry_delivered,
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
            "Søknader behandlet raskere enn regelverket krever",
            "Applications processed faster than regulation requires",
            FOCUS_CONDUCT,
            "%",
            "DMP",
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
            "Kliniske studier per million innbyggere",
            "Clinical studies per million inhabitants",
            FOCUS_INTERNATIONAL,
            "per million",
            compute=studies_per_million,
            national_only=True,
            description="Aktive studier / folketall (manuelt rapportert) × 1 000 000.",
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
