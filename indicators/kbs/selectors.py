"""Reads of the KBS report: who is a candidate, what the enrolments say, what to notify, totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from consents.models import Enrolment
from sites.access import User
from sites.selectors import organisation_health_trust
from trials.models import Study
from trials.services.lifecycle import ENDS_RECRUITMENT, study_is_medicinal

from .access import sites_led_by, studies_managed_by, studies_with_role
from .models import KbsProject, KbsSiteNumber, ReportingPeriod

# A study that never got going, or was withdrawn, has no approval to report under.
NOT_ACTIVE = (Study.Status.DRAFT, Study.Status.AWAITING_APPROVAL, Study.Status.WITHDRAWN)


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def kbs_health_project_type(study: Study) -> str:
    """NVA's health project type of a clinical treatment study: drug study or other."""
    return "Legemiddelstudie" if study_is_medicinal(study) else "Annen klinisk behandlingsstudie"


def kbs_eligible_studies(*, year: int) -> QuerySet[Study]:
    """Studies that qualify for the year: a clinical treatment study (drug or other) with an
    approval (REK, or CTIS for EU trials) that was in force during the year, whose recruitment did
    not end in an earlier year (neither by the study's own date nor by a reported last date)."""
    start, end = year_bounds(year)
    reported_earlier_end = KbsProject.objects.filter(
        study=OuterRef("pk"), period__year__lt=year, last_recruitment_on__lt=start
    )
    return (
        Study.objects.filter(category=Study.Category.KBS, rek_approved_on__lte=end)
        .exclude(status__in=NOT_ACTIVE)
        .filter(Q(completed_on__isnull=True) | Q(completed_on__gte=start))
        .filter(Q(actual_recruitment_end_on__isnull=True) | Q(actual_recruitment_end_on__gte=start))
        .exclude(Exists(reported_earlier_end))
    )


def kbs_candidates(*, year: int) -> QuerySet[Study]:
    """Studies that qualify for the year and have no decision for it yet. A study left undecided
    in an earlier year is simply still undecided: it is a candidate again if it still qualifies."""
    decided = KbsProject.objects.filter(study=OuterRef("pk"), period__year=year)
    return kbs_eligible_studies(year=year).exclude(Exists(decided)).order_by("pk")


def kbs_candidates_for(*, user: User, year: int) -> QuerySet[Study]:
    """The candidates the user decides on: those where they are project manager."""
    return kbs_candidates(year=year).filter(pk__in=studies_managed_by(user=user).values("pk"))


def kbs_with_registered_count(studies: QuerySet[Study], *, year: int) -> QuerySet[Study]:
    """``registered``: the participants included during the year (one query for a whole list)."""
    start, end = year_bounds(year)
    return studies.annotate(
        registered=Count("enrolments", filter=Q(enrolments__included_on__range=(start, end)))
    )


def kbs_projects(*, year: int) -> QuerySet[KbsProject]:
    """The year's reportable projects (KBS-prosjekter)."""
    return KbsProject.objects.filter(
        period__year=year, decision=KbsProject.Decision.REPORTABLE
    ).select_related("study", "period")


def kbs_projects_for(*, user: User, year: int | None = None) -> QuerySet[KbsProject]:
    """KBS projects where the user has a project role (any of the three)."""
    projects = KbsProject.objects.filter(
        decision=KbsProject.Decision.REPORTABLE,
        study__in=studies_with_role(user=user).values("pk"),
    ).select_related("study", "period")
    return projects if year is None else projects.filter(period__year=year)


def kbs_local_projects_for(*, user: User) -> QuerySet[KbsProject]:
    """KBS projects where the user is local project manager of a site."""
    return KbsProject.objects.filter(
        decision=KbsProject.Decision.REPORTABLE,
        study__sites__in=sites_led_by(user=user).values("pk"),
    ).distinct()


def kbs_site_numbers(*, project: KbsProject) -> QuerySet[KbsSiteNumber]:
    """The local numbers of a project with the site and who reported them (for the manager)."""
    return project.site_numbers.select_related("site__organisation", "reported_by").order_by(
        "site__organisation__name"
    )


def reporting_period_current_year(*, today: dt.date) -> int:
    """The year the office reports for now: the latest open period, or else last year."""
    open_year = (
        ReportingPeriod.objects.filter(status=ReportingPeriod.Status.OPEN)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return open_year or today.year - 1


@dataclass(frozen=True)
class Registered:
    """What the enrolments registered in the portfolio say about a study's year."""

    recruitment_number: int
    first_recruitment_on: dt.date | None
    last_recruitment_on: dt.date | None
    per_site: dict[int, int] = field(default_factory=dict)


def kbs_registered(*, study: Study, year: int) -> Registered:
    """The prefill: participants included during the year (in total and per site), the first
    inclusion ever, and the last inclusion once recruitment has ended (an open study has none)."""
    start, end = year_bounds(year)
    enrolments = Enrolment.objects.filter(study=study, included_on__lte=end)
    dates = enrolments.aggregate(first=Min("included_on"), last=Max("included_on"))
    per_site = dict(
        enrolments.filter(included_on__gte=start)
        .values("site_id")
        .annotate(n=Count("pk"))
        .values_list("site_id", "n")
    )
    ended = study.status in ENDS_RECRUITMENT or (
        study.actual_recruitment_end_on is not None and study.actual_recruitment_end_on <= end
    )
    return Registered(
        recruitment_number=sum(per_site.values()),
        first_recruitment_on=dates["first"],
        last_recruitment_on=dates["last"] if ended else None,
        per_site=per_site,
    )


@dataclass(frozen=True)
class KbsNotice:
    candidates: int
    open_reports: int
    year: int

    @property
    def any(self) -> bool:
        return bool(self.candidates or self.open_reports)


def kbs_notice_for(*, user: User, today: dt.date) -> KbsNotice | None:
    """What a project manager still has to do in the open period (None without an open period)."""
    period = (
        ReportingPeriod.objects.filter(status=ReportingPeriod.Status.OPEN).order_by("-year").first()
    )
    if period is None:
        return None
    managed = studies_managed_by(user=user).values("pk")
    open_reports = KbsProject.objects.filter(
        period=period,
        decision=KbsProject.Decision.REPORTABLE,
        confirmed_at__isnull=True,
        study__in=managed,
    ).count()
    candidates = kbs_candidates_for(user=user, year=period.year).count()
    return KbsNotice(candidates=candidates, open_reports=open_reports, year=period.year)


@dataclass(frozen=True)
class TrustKbs:
    """One health trust's KBS figures for a finalised year (the indicators' input)."""

    trust_id: int
    projects: int
    recruited: int


def kbs_trust_contributions(*, year: int) -> list[tuple[int, int, int]]:
    """(health trust, KBS project, patients recruited there) from the final report of a finalised
    year ([] until the year is finalised). A project counts at every trust where a site reported
    recruits; one without local numbers counts, with its total, at the trust that leads it."""
    finalised = Q(
        project__period__year=year,
        project__period__status=ReportingPeriod.Status.FINALISED,
        project__decision=KbsProject.Decision.REPORTABLE,
    )
    local = (
        KbsSiteNumber.objects.filter(finalised, recruitment_number__gt=0)
        .annotate(trust=organisation_health_trust("site__organisation__"))
        .values_list("trust", "project_id", "recruitment_number")
    )
    without_local = (
        kbs_projects(year=year)
        .filter(period__status=ReportingPeriod.Status.FINALISED)
        .annotate(local=Coalesce(Sum("site_numbers__recruitment_number"), 0))
        .filter(local=0)
        .annotate(trust=organisation_health_trust("study__responsible_organisation__"))
        .values_list("trust", "pk", "recruitment_number")
    )
    return [
        (trust, project_id, number or 0)
        for trust, project_id, number in [*local, *without_local]
        if trust is not None
    ]


def kbs_totals_by_trust(*, year: int) -> list[TrustKbs]:
    """The count of KBS projects and recruited patients per health trust (see
    ``kbs_trust_contributions``)."""
    totals: dict[int, tuple[set[int], int]] = {}
    for trust, project_id, number in kbs_trust_contributions(year=year):
        _add(totals, trust, project_id, number)
    return [
        TrustKbs(trust_id=trust, projects=len(ids), recruited=recruited)
        for trust, (ids, recruited) in sorted(totals.items())
    ]


def _add(totals: dict, trust: int | None, project_id: int, number: int) -> None:
    if trust is None:
        return
    ids, recruited = totals.get(trust, (set(), 0))
    ids.add(project_id)
    totals[trust] = (ids, recruited + number)


def kbs_reported_years(*, study: Study) -> list[tuple[int, int | None]]:
    """The recruitment number of each finalised year a study reported for (its project page)."""
    return list(
        KbsProject.objects.filter(
            study=study,
            decision=KbsProject.Decision.REPORTABLE,
            period__status=ReportingPeriod.Status.FINALISED,
        )
        .order_by("period__year")
        .values_list("period__year", "recruitment_number")
    )
