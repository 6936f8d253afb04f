"""Focus area 1, patients' opportunities: who takes part, where, and how soon a study starts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from consents.models import ConsentEvent, Enrolment
from trials.models import Study, StudySite

from .. import denominators
from ..aggregates import DaysBetween, Median
from ..periods import Period
from .base import (
    FOCUS_PATIENTS,
    Coverage,
    Definition,
    Row,
    count,
    per_inhabitants,
    to_decimal,
)
from .people import new_people, people_by_scope
from .running import RUNNING_FIELDS, running_enrolments
from .scopes import (
    PEOPLE_BREAKDOWNS,
    PER_100K_LEVELS,
    SITE_SCOPE,
    STUDY_SCOPE,
    by_scope,
    care_level,
    enrolment_breakdowns,
    site_active,
    studies_with_active_enrolments,
    studies_with_active_sites,
    within,
)


def participants_active(period: Period) -> list[Row]:
    with running_enrolments(period) as running:
        return people_by_scope(running, enrolment_breakdowns(period, RUNNING_FIELDS))


def participants_per_100k(period: Period) -> list[Row]:
    """New participants per 100 000 inhabitants of the scope's population (the region, or the
    catchment area of the health trust): the totals of ``participants-included``."""
    with running_enrolments(period) as running:
        people = [
            row
            for row in new_people(running, period)
            if not row.breakdown and row.scope_kind in PER_100K_LEVELS
        ]
    figures = denominators.population(period.start.year)
    return [
        per_inhabitants(row, figure, 100_000)
        for row in people
        if (figure := figures.get(row.scope_key)) is not None
    ]


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


def median_of_studies(r: dict[str, Any]) -> tuple[Decimal | None, Decimal | None, None, Coverage]:
    """A median with its n; withheld (no value) below ``MIN_N_MEDIAN`` studies."""
    below = r["n"] < MIN_N_MEDIAN
    coverage: Coverage = {"n": r["n"], "min_n": MIN_N_MEDIAN, "below_min_n": below}
    return (None if below else to_decimal(r["median"]), to_decimal(r["n"]), None, coverage)


def first_enrolment_on() -> Subquery:
    """The day the study's first recorded enrolment was included: the first entry of the study in
    the index of enrolments by study and inclusion day (one lookup per study)."""
    return Subquery(
        Enrolment.objects.filter(study=OuterRef("pk"))
        .order_by("included_on")
        .values("included_on")[:1]
    )


def first_enrolled_in(period: Period) -> QuerySet[Study]:
    """Studies whose first recorded enrolment was in the period."""
    return Study.objects.annotate(first_enrolled_on=first_enrolment_on()).filter(
        within("first_enrolled_on", period)
    )


def approval_to_first_patient(period: Period) -> list[Row]:
    """Days from approval to the first recorded enrolment: from the DMP approval for a drug trial
    (a study with a DMP approval), from the REK approval otherwise."""
    approved = Coalesce("dmp_approved_on", "rek_approved_on")
    return by_scope(
        first_enrolled_in(period)
        .filter(rek_approved_on__isnull=False)
        .annotate(days=DaysBetween(F("first_enrolled_on"), approved)),
        **STUDY_SCOPE,
        aggregates={"median": Median("days"), "n": Count("pk")},
        to_value=median_of_studies,
    )


DEFINITIONS: list[Definition] = [
    Definition(
        "participants-active",
        "Pasienter som deltar i kliniske studier, hele helsetjenesten",
        "Patients taking part in clinical studies, whole health service",
        FOCUS_PATIENTS,
        "personer",
        breakdowns=PEOPLE_BREAKDOWNS,
        counts_people=True,
        compute=participants_active,
        reads_running=True,
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
        reads_running=True,
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
]
