"""Computing and freezing indicator snapshots."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..catalogue import CATALOGUE, NATIONAL, Definition, Row
from ..catalogue.base import Coverage
from ..coverage import coverage_warnings, jump_warning
from ..models import Indicator, IndicatorSnapshot, ReportedFigure
from ..periods import YTD, Period, annual_periods
from ..selectors import snapshot_current
from .disclosure import snapshots_disclosure_reset, snapshots_disclosure_store
from .sessions import rows_computed

_DEFINITION_FIELDS = [
    "name_nb",
    "name_en",
    "focus_area",
    "unit",
    "direction",
    "method",
    "method_version",
    "source",
    "description",
    "numerator",
    "denominator",
    "target_note",
    "counts_people",
]
# Targets belong to the administrators once an indicator exists; these are only filled in if empty.
_TARGET_FIELDS = ["target_value", "target_year", "baseline_year", "target_factor"]


def indicator_catalogue_sync() -> dict[str, Indicator]:
    """Create or update the Indicator rows from the catalogue in code (idempotent).

    Targets are set only when an indicator is created; afterwards they belong to the administrators.
    """
    existing = {i.code: i for i in Indicator.objects.all()}
    for definition in CATALOGUE.values():
        values = {name: getattr(definition, name) for name in _DEFINITION_FIELDS}
        values["breakdowns"] = list(definition.breakdowns)
        targets = {name: getattr(definition, name) for name in _TARGET_FIELDS}
        indicator = existing.get(definition.code)
        if indicator is None:
            existing[definition.code] = Indicator.objects.create(
                code=definition.code, **targets, **values
            )
            continue
        values.update(
            {k: v for k, v in targets.items() if getattr(indicator, k) is None and v is not None}
        )
        if any(getattr(indicator, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(indicator, key, value)
            indicator.save()
    return existing


SnapshotKey = tuple[int, str, str, str]
"""Indicator id, scope key, breakdown and breakdown value: one value of a period."""

Previous = tuple[Coverage, Decimal | None]
"""The coverage and value of the period compared with."""

Figures = dict[str, tuple[Decimal, dt.date]]
"""The latest reported figure per indicator code, with the start of its period."""


@dataclass
class ComputeResult:
    period: Period
    created: int
    indicators: int


def _manual_rows(definition: Definition, period: Period, figures: Figures) -> list[Row]:
    """The latest figure reported up to the period, with the year it was reported for; a year is
    given only its own figure, never an earlier year's."""
    figure = figures.get(definition.code)
    if figure is None:
        return []
    value, start = figure
    if period.kind == "year" and start.year != period.start.year:
        return []
    coverage = {"reference_year": start.year, "source": definition.source}
    return [Row(NATIONAL, NATIONAL, None, None, "", "", value, None, None, coverage)]


def _rows(definition: Definition, period: Period, figures: Figures) -> list[Row]:
    if definition.method == Indicator.Method.MANUAL:
        return _manual_rows(definition, period, figures)
    if definition.annual_only and not period.is_annual:
        return []  # growth and the KBS share are annual measures: never a month over a year
    return definition.compute(period) if definition.compute else []


def _previous_coverage(ids: list[int], period: Period) -> dict[SnapshotKey, Previous]:
    """The coverage and value of the period compared with, keyed like ``_key`` (totals only)."""
    before = period.previous()
    snapshots = snapshot_current().filter(
        indicator_id__in=ids, period_kind=before.kind, period_start=before.start, breakdown=""
    )
    if before.kind == YTD:  # only last year's same months, not a later year to date
        snapshots = snapshots.filter(period_end=before.last_day)
    rows = snapshots.values_list(
        "indicator_id", "scope_key", "breakdown", "breakdown_value", "coverage", "value"
    )
    return {
        (indicator_id, scope, breakdown, breakdown_value): (coverage, value)
        for indicator_id, scope, breakdown, breakdown_value, coverage, value in rows
    }


def _warnings(
    definition: Definition, row: Row, previous: Previous | None, period: Period
) -> list[str]:
    coverage, value = previous or (None, None)
    warnings = coverage_warnings(row.coverage, coverage, period)
    if definition.unit not in ("%", "dager", "skår") and not row.breakdown:
        warnings += jump_warning(row.value, value, period)  # counts and sums, not rates
    return warnings


def _key(indicator_id: int, row: Row | IndicatorSnapshot) -> SnapshotKey:
    return (indicator_id, row.scope_key, row.breakdown, row.breakdown_value)


@transaction.atomic
def snapshots_compute(
    *, period: Period, codes: list[str] | None = None, disclosure: bool = True
) -> ComputeResult:
    """Compute every indicator (or ``codes``) for ``period`` and store them as snapshots.

    Unreported snapshots of the period are replaced. A reported (frozen) snapshot is never changed:
    if the new value differs, a new version is added beside it; if not, the frozen one stays current.
    Then the disclosure pattern of the period's year is stored (``disclosure=False`` leaves that to
    the caller, who computes several periods of a year first and stores it once).
    """
    indicators = indicator_catalogue_sync()
    wanted = [CATALOGUE[c] for c in (codes or CATALOGUE)]
    # Serialise concurrent computations and report builds (no-op on SQLite, which locks the file).
    ids = [indicators[d.code].pk for d in wanted]
    list(Indicator.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))

    figures: Figures = {
        code: (value, start)
        for code, value, start in ReportedFigure.objects.filter(period_start__lt=period.end)
        .order_by("indicator__code", "period_start")
        .values_list("indicator__code", "value", "period_start")
    }  # the latest figure per indicator wins
    previous_coverage = _previous_coverage(ids, period)

    period_snapshots = IndicatorSnapshot.objects.filter(
        indicator_id__in=ids, period_kind=period.kind, period_start=period.start
    )
    period_snapshots.filter(frozen_at__isnull=True).delete()
    frozen = {}
    for snap in period_snapshots.order_by("version"):
        frozen[_key(snap.indicator_id, snap)] = snap
    now = timezone.now()
    provisional = period.is_provisional(timezone.localdate())
    new = []
    computed = rows_computed(wanted, period, lambda d: _rows(d, period, figures))
    for definition, rows in computed:
        indicator = indicators[definition.code]
        for row in rows:
            previous = frozen.get(_key(indicator.pk, row))
            if previous is not None and (
                previous.value,
                previous.numerator,
                previous.denominator,
                previous.method_version,
            ) == (row.value, row.numerator, row.denominator, indicator.method_version):
                continue
            new.append(
                IndicatorSnapshot(
                    indicator=indicator,
                    period_kind=period.kind,
                    period_start=period.start,
                    scope_kind=row.scope_kind,
                    scope_key=row.scope_key,
                    region_id=row.region_id,
                    organisation_id=row.organisation_id,
                    breakdown=row.breakdown,
                    breakdown_value=row.breakdown_value[:60],
                    value=row.value,
                    numerator=row.numerator,
                    denominator=row.denominator,
                    method_version=indicator.method_version,
                    version=(previous.version + 1) if previous else 1,
                    computed_at=now,
                    period_end=period.last_day,
                    provisional=provisional,
                    suppressed=None if indicator.counts_people else False,
                    coverage=row.coverage or {},
                    warnings=_warnings(
                        definition, row, previous_coverage.get(_key(indicator.pk, row)), period
                    ),
                )
            )
    IndicatorSnapshot.objects.bulk_create(new, batch_size=2000)
    people = [d.code for d in wanted if d.counts_people]
    if disclosure:
        snapshots_disclosure_store(years=[period.start.year], codes=people)
    else:
        snapshots_disclosure_reset(years=[period.start.year], codes=people)
    return ComputeResult(period=period, created=len(new), indicators=len(wanted))


def snapshots_freeze(*, snapshot_ids: list[int]) -> int:
    """Mark snapshots as reported; from now on recomputation leaves them as they are."""
    return IndicatorSnapshot.objects.filter(pk__in=snapshot_ids, frozen_at__isnull=True).update(
        frozen_at=timezone.now()
    )


def snapshot_latest_version(*, indicator_id: int, period: Period, scope: str) -> int | None:
    return IndicatorSnapshot.objects.filter(
        indicator_id=indicator_id, period_start=period.start, scope_key=scope
    ).aggregate(v=Max("version"))["v"]


def snapshots_compute_annual(*, month: Period) -> list[ComputeResult]:
    """Compute the annual periods beside ``month``: its year to date and its year (provisional
    until the year is over), so the plan's annual targets are followed without a manual run."""
    results = [snapshots_compute(period=p, disclosure=False) for p in annual_periods(month)]
    snapshots_disclosure_store(years={p.start.year for p in annual_periods(month)})
    return results
