"""Reads: current snapshots, trends, league tables, report contents and what a user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy

from sites.models import Organisation, Region, UserScope
from trials import selectors as trials_selectors
from trials.models import Study, StudySite

from .catalogue import CATALOGUE, NATIONAL, enrolment_active, site_active
from .models import Indicator, IndicatorSnapshot, ReportedDenominator, ReportedFigure, ReportRun
from .periods import Period

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def snapshot_current() -> QuerySet[IndicatorSnapshot]:
    """Only the newest version of every (indicator, period, scope, breakdown)."""
    newer = IndicatorSnapshot.objects.filter(
        indicator=OuterRef("indicator"),
        period_kind=OuterRef("period_kind"),
        period_start=OuterRef("period_start"),
        scope_key=OuterRef("scope_key"),
        breakdown=OuterRef("breakdown"),
        breakdown_value=OuterRef("breakdown_value"),
        version__gt=OuterRef("version"),
    )
    return IndicatorSnapshot.objects.filter(~Exists(newer))


@dataclass(frozen=True)
class Scope:
    key: str
    label: StrOrPromise  # the country's name follows the reader's language
    region: Region | None = None

    @property
    def is_national(self) -> bool:
        return self.key == NATIONAL


NATIONAL_SCOPE = Scope(NATIONAL, gettext_lazy("Hele landet"))


def scope_for_region(region: Region) -> Scope:
    return Scope(f"region:{region.pk}", region.name, region)


def scope_for_user(user) -> Scope | None:
    """The widest indicator scope a back-office user may see; None if they may see none."""
    if not user.is_active or not user.is_staff:
        return None
    role_scope = UserScope.objects.select_related("region").filter(user=user).first()
    if role_scope is None:
        return NATIONAL_SCOPE if user.is_superuser else None
    if role_scope.role in (UserScope.Role.NATIONAL_ADMIN, UserScope.Role.NORTRIALS):
        return NATIONAL_SCOPE
    if role_scope.role == UserScope.Role.OBSERVER:
        return NATIONAL_SCOPE if role_scope.region is None else scope_for_region(role_scope.region)
    if role_scope.region is not None:
        return scope_for_region(role_scope.region)
    return None


def scope_parse(key: str) -> Scope | None:
    if key == NATIONAL:
        return NATIONAL_SCOPE
    kind, _sep, pk = key.partition(":")
    if kind == "region" and pk.isdigit():
        region = Region.objects.filter(pk=pk).first()
        return scope_for_region(region) if region else None
    if kind == "org" and pk.isdigit():
        org = Organisation.objects.select_related("region").filter(pk=pk).first()
        return Scope(key, org.name, org.region) if org else None
    if kind == "hf" and pk.isdigit():
        org = Organisation.objects.select_related("region").filter(pk=pk).first()
        return Scope(key, f"{org.name} (med sykehusene under)", org.region) if org else None
    return None


def scope_allows(outer: Scope, key: str) -> bool:
    """May someone with ``outer`` see values for the scope ``key``?"""
    if outer.is_national or key == outer.key:
        return True
    if key.startswith(("org:", "hf:")) and outer.region is not None:
        pk = key.partition(":")[2]
        return pk.isdigit() and Organisation.objects.filter(pk=pk, region=outer.region).exists()
    return False


@dataclass
class IndicatorLine:
    indicator: Indicator
    snapshot: IndicatorSnapshot | None
    previous: IndicatorSnapshot | None
    trend: list[tuple[Period, float | None]] = field(default_factory=list)
    national: bool = False  # a national-only figure shown in a regional or local view
    baseline: IndicatorSnapshot | None = None  # the value of the target's baseline year

    @property
    def warnings(self) -> list[str]:
        return list(self.snapshot.warnings or []) if self.snapshot else []

    @property
    def provisional(self) -> bool:
        return bool(self.snapshot and self.snapshot.provisional)

    @property
    def target(self) -> Decimal | None:
        """The annual target: a value, or the baseline year's value × a factor ("doubled")."""
        indicator = self.indicator
        if indicator.target_factor is not None:
            if self.baseline is None or self.baseline.value is None:
                return None
            return self.baseline.value * indicator.target_factor
        return indicator.target_value

    @property
    def value(self) -> Decimal | None:
        return self.snapshot.value if self.snapshot else None

    @property
    def change(self) -> Decimal | None:
        if self.snapshot is None or self.previous is None:
            return None
        if self.snapshot.value is None or self.previous.value is None:
            return None
        return self.snapshot.value - self.previous.value

    @property
    def on_track(self) -> bool | None:
        """Against the annual target; a month is never judged against it."""
        target, snapshot = self.target, self.snapshot
        if target is None or snapshot is None or snapshot.value is None:
            return None
        if snapshot.period_kind == "month":
            return None
        if self.indicator.direction == Indicator.Direction.LOWER:
            return snapshot.value <= target
        return snapshot.value >= target


def indicator_lines(
    *, period: Period, scope_key: str, trend_months: int = 0
) -> list[IndicatorLine]:
    """Every indicator's total for one scope: value, last month's value and optionally a trend.

    Two queries (three with a trend), whatever the number of indicators.
    """
    indicators = list(Indicator.objects.filter(code__in=list(CATALOGUE)))
    periods = period.months_back(max(trend_months, 2)) if period.kind == "month" else [period]
    baselines = {i.baseline_year for i in indicators if i.target_factor and i.baseline_year}
    in_period = Q(
        period_kind=period.kind,
        period_start__in=[p.start for p in periods] + [period.previous().start],
    )
    baseline_years = Q(period_kind="year", period_start__year__in=baselines)
    snapshots = (
        snapshot_current()
        .filter(in_period | baseline_years, scope_key__in={scope_key, NATIONAL}, breakdown="")
        .only(
            "pk",
            "scope_key",
            "indicator_id",
            "period_kind",
            "period_start",
            "period_end",
            "value",
            "numerator",
            "denominator",
            "version",
            "frozen_at",
            "computed_at",
            "provisional",
            "coverage",
            "warnings",
            "suppressed",
        )
    )
    by_key: dict[tuple[int, dt.date], IndicatorSnapshot] = {}
    national: dict[tuple[int, dt.date], IndicatorSnapshot] = {}
    baseline: dict[tuple[int, str, int | None], IndicatorSnapshot] = {}
    for s in snapshots:
        if s.period_kind == "year":
            baseline[(s.indicator_id, s.scope_key, s.period_start.year)] = s
        if s.period_kind == period.kind and _same_months(s, period):
            target = by_key if s.scope_key == scope_key else national
            target[(s.indicator_id, s.period_start)] = s
    if scope_key == NATIONAL:
        national = by_key
    lines = []
    order = {code: i for i, code in enumerate(CATALOGUE)}
    for indicator in sorted(indicators, key=lambda i: (i.focus_area_order, order[i.code])):
        source = by_key
        if scope_key != NATIONAL and CATALOGUE[indicator.code].national_only:
            source = national
        line = IndicatorLine(
            indicator=indicator,
            snapshot=source.get((indicator.pk, period.start)),
            previous=source.get((indicator.pk, period.previous().start)),
            national=source is national and scope_key != NATIONAL,
            baseline=baseline.get(
                (
                    indicator.pk,
                    NATIONAL if source is national else scope_key,
                    indicator.baseline_year,
                )
            ),
        )
        if trend_months:
            line.trend = [
                (p, _float(source.get((indicator.pk, p.start)))) for p in periods[-trend_months:]
            ]
        lines.append(line)
    return lines


def _same_months(snapshot: IndicatorSnapshot, period: Period) -> bool:
    """A year to date covers the months asked for, and is compared only with the same months of
    last year, never a later year to date."""
    if period.kind != "ytd":
        return True
    wanted = period if snapshot.period_start == period.start else period.previous()
    return snapshot.period_end == wanted.last_day


def _float(snapshot: IndicatorSnapshot | None) -> float | None:
    if snapshot is None or snapshot.value is None:
        return None
    return float(snapshot.value)


class LeagueRow(TypedDict):
    """One organisation (or health trust) of the league table, with its value per key indicator."""

    organisation: Organisation
    values: dict[int, IndicatorSnapshot]
    cells: list[IndicatorSnapshot | None]  # in the order of the indicators


def league_table(
    *, period: Period, region: Region | None = None, level: str = "organisation"
) -> tuple[list[LeagueRow], list[Indicator]]:
    """Organisations (``level="organisation"``) or health trusts with their hospitals rolled up
    (``level="trust"``) side by side on the key indicators: two queries."""
    key_codes = [d.code for d in CATALOGUE.values() if d.key]
    indicators = sorted(
        Indicator.objects.filter(code__in=key_codes), key=lambda i: key_codes.index(i.code)
    )
    snapshots = snapshot_current().filter(
        period_kind=period.kind,
        period_start=period.start,
        scope_kind=level,
        breakdown="",
        indicator__code__in=key_codes,
    )
    if region is not None:
        snapshots = snapshots.filter(organisation__region=region)
    rows: dict[int, LeagueRow] = {}
    for snap in snapshots.select_related("organisation").only(
        "pk",
        "indicator_id",
        "value",
        "warnings",
        "suppressed",
        "organisation__name",
        "organisation__short_name",
    ):
        if snap.organisation is None:  # an organisation or trust scope always names one
            continue
        row = rows.setdefault(
            snap.organisation.pk, {"organisation": snap.organisation, "values": {}, "cells": []}
        )
        row["values"][snap.indicator_id] = snap
    table = []
    for row in rows.values():
        row["cells"] = [row["values"].get(i.pk) for i in indicators]
        table.append(row)
    # Health trusts are ranked by the rate per 100 000 inhabitants of their catchment area, not by
    # raw counts that follow their size (those without a rate after them); then, and organisations
    # (no population), by the first key figure.
    ids = {i.code: i.pk for i in indicators}
    ranked = ([RANK_BY_RATE] if level == "trust" else []) + key_codes[:1]
    order = [ids[code] for code in ranked if code in ids]
    table.sort(key=lambda r: [_descending(r["values"].get(pk)) for pk in order])
    return table, indicators


RANK_BY_RATE = "participants-per-100k"


def _descending(snapshot: IndicatorSnapshot | None) -> tuple[bool, float]:
    """Sort key: the highest value first, no value last."""
    if snapshot is None or snapshot.value is None:
        return (True, 0.0)
    return (False, -float(snapshot.value))


def scope_study_filter(scope: Scope, path: str = "sites__organisation") -> Q:
    if scope.is_national:
        return Q()
    if scope.key.startswith("org:"):
        return Q(**{f"{path}_id": int(scope.key.partition(":")[2])})
    if scope.key.startswith("hf:"):
        trust = int(scope.key.partition(":")[2])
        return (
            Q(**{f"{path}_id": trust})
            | Q(**{f"{path}__parent_id": trust})
            | Q(**{f"{path}__parent__parent_id": trust})
        )
    return Q(**{f"{path}__region": scope.region})


def drilldown_studies(*, code: str, period: Period, scope: Scope) -> QuerySet[Study] | None:
    """The studies behind one indicator value; None when the indicator has no study drill-down."""
    definition = CATALOGUE.get(code)
    if definition is None or definition.studies is None:
        return None
    ids = Study.objects.filter(definition.studies(period)).filter(
        scope_study_filter(scope, definition.study_scope)
    )
    return (
        Study.objects.filter(pk__in=ids.values("pk"))
        .select_related("responsible_organisation", "sponsor")
        .order_by("scientific_title")
    )


REPORT_STUDY_FIELDS = ("scientific_title", "public_id", "category", "status", "sponsor_type")
"""What the report's list of studies shows of each (``xlsx.report_workbook``)."""


def report_studies(*, period: Period, scope: Scope) -> QuerySet[Study]:
    """Studies active in the scope in the period, with their enrolments in the period."""
    active = StudySite.objects.filter(site_active(period))
    if not scope.is_national:
        active = active.filter(organisation__region=scope.region)
    return (
        Study.objects.filter(pk__in=active.values("study_id"))
        .select_related("responsible_organisation")
        .only(*REPORT_STUDY_FIELDS, "responsible_organisation__name")
        # The enrolments are the one many-valued join: each is counted once without DISTINCT.
        .annotate(participants=Count("enrolments", filter=enrolment_active(period, "enrolments__")))
        .order_by("responsible_organisation__name", "scientific_title")
    )


@dataclass
class QualityFlag:
    code: str
    label: str
    count: int
    examples: list[str]


def data_quality_flags(*, period: Period, scope: Scope, examples: int = 10) -> list[QualityFlag]:
    """The admin's data-quality flags on the studies led from ``scope``: one query.

    The one definition is ``trials.selectors.QualityFlag`` with ``study_quality_flag_q``; the study
    list's flag column and filter, this report section and the public API all read it, as of today
    (a flag is something to fix now). ``period`` is kept for the report's call.
    """
    flags = list(trials_selectors.QualityFlag)
    studies = trials_selectors.study_with_flags(
        Study.objects.filter(scope_study_filter(scope, "responsible_organisation"))
    )
    raised = Q()
    for flag in flags:
        raised |= Q(**{f"flag_{flag.value}": True})
    found: dict[str, list[str]] = {flag.value: [] for flag in flags}
    rows = (
        studies.filter(raised)
        .order_by("public_id")
        .values_list("public_id", *(f"flag_{flag.value}" for flag in flags))
    )
    for public_id, *marks in rows:
        for flag, mark in zip(flags, marks, strict=True):
            if mark:
                found[flag.value].append(public_id)
    return [
        QualityFlag(
            flag.value, str(flag.label), len(found[flag.value]), found[flag.value][:examples]
        )
        for flag in flags
        if found[flag.value]
    ]


def snapshot_visible_to(user) -> QuerySet[IndicatorSnapshot]:
    """Snapshots of the country and of the user's own region (with its organisations)."""
    from sites.access import region_choosable_to
    from sites.selectors import user_is_national

    if user_is_national(user=user):
        return IndicatorSnapshot.objects.all()
    return IndicatorSnapshot.objects.filter(
        Q(scope_key=NATIONAL) | Q(region__in=region_choosable_to(user).values("pk"))
    )


def register_access_rules() -> None:
    """The indicators app's admin models in the one access policy (``sites.access``)."""
    from sites.access import AccessRule, access_register

    access_register(Indicator, AccessRule("shared", editors="national"))
    access_register(ReportedFigure, AccessRule("shared", editors="national"))
    access_register(ReportedDenominator, AccessRule("shared", editors="national"))
    access_register(
        IndicatorSnapshot, AccessRule("scoped", visible=snapshot_visible_to, editors="nobody")
    )
    # A report run holds a recipient's e-mail and the report itself: national roles, and the
    # recipient.
    access_register(
        ReportRun,
        AccessRule(
            "scoped",
            visible=lambda user: ReportRun.objects.filter(recipient_id=user.pk),
            editors="national",
        ),
    )
