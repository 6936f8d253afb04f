"""Focus area 4, efficient and safe conduct: case-processing times reported by hand, and the start-up measures (after the UK national KPIs)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from consents.models import Enrolment
from trials.models import Study, StudySite

from ..periods import Period
from .base import FOCUS_CONDUCT, Definition, Row, manual, share
from .scopes import SITE_SCOPE, STUDY_SCOPE, by_scope, within


def commercial_fpi_150(period: Period) -> list[Row]:
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


DEFINITIONS: list[Definition] = [
    manual(
        "dmp-case-days-phase-1-2",
        "Gjennomsnittlig saksbehandlingstid, søknader fase I og II",
        "Mean case-processing time, phase I and II applications",
        FOCUS_CONDUCT,
        "dager",
        "DMP",
        direction="lower",
    ),
    manual(
        "dmp-guidance-sessions",
        "Veiledningsmøter (DMP)",
        "Guidance sessions (DMP)",
        FOCUS_CONDUCT,
        "møter",
        "DMP",
    ),
    manual(
        "dmp-faster-than-required",
        "Søknader behandlet med kortere frister enn regelverket krever",
        "Applications processed faster than regulation requires",
        FOCUS_CONDUCT,
        "søknader",
        "DMP",
        method_version=2,
    ),
    manual(
        "hds-tailored-deliveries",
        "Skreddersydde statistikkleveranser (Helsedataservice)",
        "Tailored-statistics deliveries (Health data service)",
        FOCUS_CONDUCT,
        "leveranser",
        "Helsedataservice",
    ),
    manual(
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
]
