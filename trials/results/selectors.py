"""Reads: results reporting of a study, the overdue flags and the league table per institution."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet

from sites.access import AccessRule, access_register

from .models import PUBLICATION_DEADLINE_DAYS, SUMMARY_DEADLINE_DAYS, ResultsReport, days_between
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


# Names in the sample that the paper's tables count under another: Huddinge is a site of
# Karolinska University Hospital (its table has 48 trials: 47 + Huddinge's one).
INSTITUTION_ALIASES = {"Huddinge Hospital": "Karolinska University Hospital"}


def institution_names(lead_institution: str) -> list[str]:
    """The source names two institutions that led a trial together as "A;B": each counts it."""
    names = (name.strip() for name in lead_institution.split(";"))
    return list(dict.fromkeys(INSTITUTION_ALIASES.get(name, name) for name in names if name))


def _outcomes(completed, has_summary, summary_on, has_publication, published_on) -> tuple:
    """(trial, summary results within 365 days, reported within 730 days, reported at all)."""
    summary = days_between(completed, summary_on)
    publication = days_between(completed, published_on)
    return (
        1,
        summary is not None and summary <= SUMMARY_DEADLINE_DAYS,
        any(d is not None and d <= PUBLICATION_DEADLINE_DAYS for d in (summary, publication)),
        has_summary or has_publication,
    )


def results_league_table(
    *, country: str | None = None, source: str = SOURCE_NORDIC
) -> list[LeagueRow]:
    """Trials and how many reported results, per lead institution, from one query.

    The published method (README_REPRODUCE.md): summary results within 365 days of completion;
    publication or summary results within 730 days; publication or summary results at all. A
    trial led by two institutions counts for each."""
    rows = ResultsReport.objects.filter(source=source)
    if country:
        rows = rows.filter(lead_country=country)
    tallies: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for institutions, lead_country, *dates in rows.values_list(
        "lead_institution",
        "lead_country",
        "completion_date",
        "has_summary_results",
        "summary_results_date",
        "has_publication",
        "publication_date",
    ):
        outcome = _outcomes(*dates)
        for name in institution_names(institutions):
            tally = tallies[(lead_country, name)]
            for i, counted in enumerate(outcome):
                tally[i] += counted
    return [
        LeagueRow(
            institution=name,
            country=lead_country,
            trials=trials,
            summary_within_12_months=_share(summary, trials),
            reported_within_24_months=_share(reported_24, trials),
            any_reporting=_share(reported, trials),
        )
        for (lead_country, name), (trials, summary, reported_24, reported) in sorted(
            tallies.items()
        )
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
