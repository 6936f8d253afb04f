"""Focus area 3, industry collaboration: industry studies, agreements and feasibility requests."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.db.models import Aggregate, Avg, Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate

from trials.industry.models import Agreement, FeasibilityRequest, Milestone
from trials.models import Study

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

from ..aggregates import DaysBetween, Median
from ..periods import Period
from .base import FOCUS_INDUSTRY, NATIONAL, Definition, Row, ScopePaths, count, share, to_decimal
from .scopes import (
    AGREEMENT_SCOPE,
    SITE_SCOPE,
    active_study_sites,
    by_scope,
    site_growth,
    studies_with_active_sites,
    within,
)


def industry_studies(period: Period) -> list[Row]:
    return by_scope(
        active_study_sites(period, study__sponsor_type=Study.SponsorType.INDUSTRY),
        **SITE_SCOPE,
        aggregates={"n": Count("study", distinct=True)},
        to_value=lambda r: count(r["n"]),
        breakdowns={"hrcs": F("study__hrcs_categories__code")},
    )


def industry_growth(period: Period) -> list[Row]:
    return site_growth(period, study__sponsor_type=Study.SponsorType.INDUSTRY)


def agreements_cancelled(period: Period) -> list[Row]:
    return by_scope(
        Agreement.objects.filter(within("cancelled_on", period), status=Agreement.Status.CANCELLED),
        **AGREEMENT_SCOPE,
        aggregates={"n": Count("pk")},
        to_value=lambda r: count(r["n"]),
        breakdowns={"reason": F("cancellation_reason")},
    )


class _Kept(TypedDict):
    kept: bool


def _industry_completed(period: Period) -> QuerySet[WithAnnotations[Agreement, _Kept]]:
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


INDUSTRY_DELIVERED: dict[str, Aggregate] = {
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


def _feasibility(period: Period, date_field: str) -> QuerySet[FeasibilityRequest]:
    start, end = period.bounds()
    return FeasibilityRequest.objects.filter(
        **{f"{date_field}__gte": start, f"{date_field}__lt": end}
    )


class NationalOnly(ScopePaths):
    levels: tuple[str, ...]


NATIONAL_ONLY: NationalOnly = {"region": "", "organisation": "", "levels": (NATIONAL,)}


def feasibility_days(period: Period) -> list[Row]:
    return by_scope(
        _feasibility(period, "compiled_sent_at").annotate(
            days=DaysBetween(TruncDate("compiled_sent_at"), TruncDate("received_at"))
        ),
        **NATIONAL_ONLY,
        aggregates={"median": Median("days"), "n": Count("pk")},
        to_value=lambda r: (to_decimal(r["median"]), to_decimal(r["n"]), None),
    )


def feasibility_satisfaction(period: Period) -> list[Row]:
    return by_scope(
        _feasibility(period, "outcome_reported_at").filter(satisfaction__isnull=False),
        **NATIONAL_ONLY,
        aggregates={"mean": Avg("satisfaction"), "n": Count("pk")},
        to_value=lambda r: (to_decimal(r["mean"]), to_decimal(r["n"]), None),
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


DEFINITIONS: list[Definition] = [
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
]
