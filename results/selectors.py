"""Reads: results reporting of a study, the overdue flags and the league table per institution."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q, QuerySet

from sites.access import AccessRule, access_register

from .models import PUBLICATION_DEADLINE_DAYS, SUMMARY_DEADLINE_DAYS, ResultsReport
from .statistics import percent, wilson_interval

METHOD_NB = (
    "Tall fra Nordic trial-reporting-studien (Nilsonne, Axfors m.fl., J Clin Epidemiol "
    "2025;178:111654), utvalget analysert 28.11.2023: kliniske studier ledet av universiteter og "
    "universitetssykehus, avsluttet 2016–2019. Sammendrag innen 12 måneder: resultater lagt ut i "
    "registeret senest 365 dager etter avslutning. Rapportert innen 24 måneder: publikasjon eller "
    "resultater i registeret senest 730 dager etter avslutning. Rapportert: publikasjon eller "
    "resultater i registeret, uansett når. Konfidensintervall: Wilson, 95 %. Tallene teller "
    "studier, ikke personer, og skjermes derfor ikke for små tall."
)
SOURCE_NORDIC = "nordic-trial-reporting-2023-11-28"


def register_access_rules() -> None:
    # Published registry facts about trials: every back-office user reads them, nobody edits them
    # by hand (the loader writes them through ``services``).
    access_register(ResultsReport, AccessRule("shared", editors="nobody"))


def _delay(field: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(field) - F("completion_date"), output_field=DurationField())


def _within(field: str, days: int) -> Q:
    return Q(**{f"{field}_delay__lte": dt.timedelta(days=days)})


def results_overdue_q(*, on: dt.date, kind: str) -> Q:
    """Reports past their deadline on ``on`` (``kind`` "summary": 12 months without summary
    results; "publication": 24 months without a publication). As ``ResultsReport.*_overdue``."""
    if kind == "summary":
        flag, date, days = "has_summary_results", "summary_results_date", SUMMARY_DEADLINE_DAYS
    else:
        flag, date, days = "has_publication", "publication_date", PUBLICATION_DEADLINE_DAYS
    not_reported = Q(**{f"{date}__isnull": True, flag: False}) | Q(**{f"{date}__gt": on})
    return Q(completion_date__lt=on - dt.timedelta(days=days)) & not_reported


@dataclass(frozen=True)
class Share:
    count: int
    percentage: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class LeagueRow:
    institution: str
    country: str
    trials: int
    summary_within_12_months: Share
    reported_within_24_months: Share
    any_reporting: Share

    @property
    def shares(self) -> tuple[Share, Share, Share]:
        return (
            self.summary_within_12_months,
            self.reported_within_24_months,
            self.any_reporting,
        )


def _share(count: int, trials: int) -> Share:
    interval = wilson_interval(count, trials)
    if interval is None:
        return Share(count, None, None, None)
    return Share(count, percent(count / trials), percent(interval[0]), percent(interval[1]))


def results_league_table(
    *, country: str | None = None, source: str = SOURCE_NORDIC
) -> list[LeagueRow]:
    """Trials and how many reported results, per lead institution, in one query.

    The published method (README_REPRODUCE.md): summary results within 365 days of completion;
    publication or summary results within 730 days; publication or summary results at all."""
    rows = ResultsReport.objects.filter(source=source)
    if country:
        rows = rows.filter(lead_country=country)
    counted = (
        rows.annotate(
            summary_delay=_delay("summary_results_date"),
            publication_delay=_delay("publication_date"),
        )
        .values("lead_institution", "lead_country")
        .annotate(
            trials=Count("pk"),
            summary_12=Count("pk", filter=_within("summary", SUMMARY_DEADLINE_DAYS)),
            reported_24=Count(
                "pk",
                filter=_within("summary", PUBLICATION_DEADLINE_DAYS)
                | _within("publication", PUBLICATION_DEADLINE_DAYS),
            ),
            reported=Count("pk", filter=Q(has_summary_results=True) | Q(has_publication=True)),
        )
        .order_by("lead_country", "lead_institution")
    )
    return [
        LeagueRow(
            institution=row["lead_institution"],
            country=row["lead_country"],
            trials=row["trials"],
            summary_within_12_months=_share(row["summary_12"], row["trials"]),
            reported_within_24_months=_share(row["reported_24"], row["trials"]),
            any_reporting=_share(row["reported"], row["trials"]),
        )
        for row in counted
    ]


def results_countries(*, source: str = SOURCE_NORDIC) -> list[str]:
    return list(
        ResultsReport.objects.filter(source=source)
        .order_by("lead_country")
        .values_list("lead_country", flat=True)
        .distinct()
    )


def results_change_stamp() -> tuple[dt.datetime | None, str]:
    """When results reporting last changed, and a token that changes with every write."""
    stamp = ResultsReport.objects.aggregate(last=Max("updated_at"), n=Count("pk"))
    last = stamp["last"]
    return last, f"results:{stamp['n']}:{last.isoformat() if last else '-'}"


def results_for_study(*, study_id: int) -> QuerySet[ResultsReport]:
    return ResultsReport.objects.filter(study_id=study_id).order_by("registry_id")
