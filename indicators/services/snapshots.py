"""Computing and freezing indicator snapshots."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..catalogue import CATALOGUE, NATIONAL, Definition, Row
from ..models import Indicator, IndicatorSnapshot, ReportedFigure
from ..periods import Period

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
    "counts_people",
]


def indicator_catalogue_sync() -> dict[str, Indicator]:
    """Create or update the Indicator rows from the catalogue in code (idempotent).

    Targets are set only when an indicator is created; afterwards they belong to the administrators.
    """
    existing = {i.code: i for i in Indicator.objects.all()}
    for definition in CATALOGUE.values():
        values = {name: getattr(definition, name) for name in _DEFINITION_FIELDS}
        values["breakdowns"] = list(definition.breakdowns)
        indicator = existing.get(definition.code)
        if indicator is None:
            existing[definition.code] = Indicator.objects.create(
                code=definition.code,
                target_value=definition.target_value,
                target_year=definition.target_year,
                **values,
            )
        elif any(getattr(indicator, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(indicator, key, value)
            indicator.save()
    return existing


@dataclass
class ComputeResult:
    period: Period
    created: int
    indicators: int


def _manual_rows(definition: Definition, period: Period, figures: dict) -> list[Row]:
    figure = figures.get(definition.code)
    if figure is None:
        return []
    return [Row(NATIONAL, NATIONAL, None, None, "", "", figure, None, None)]


def _key(indicator_id: int, row) -> tuple:
    return (indicator_id, row.scope_key, row.breakdown, row.breakdown_value)


@transaction.atomic
def snapshots_compute(*, period: Period, codes: list[str] | None = None) -> ComputeResult:
    """Compute every indicator (or ``codes``) for ``period`` and store them as snapshots.

    Unreported snapshots of the period are replaced. A reported (frozen) snapshot is never changed:
    if the new value differs, a new version is added beside it; if not, the frozen one stays current.
    """
    indicators = indicator_catalogue_sync()
    wanted = [CATALOGUE[c] for c in (codes or CATALOGUE)]
    # Serialise concurrent computations and report builds (no-op on SQLite, which locks the file).
    ids = [indicators[d.code].pk for d in wanted]
    list(Indicator.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))

    figures = dict(
        ReportedFigure.objects.filter(period_start__lte=period.start)
        .order_by("indicator__code", "period_start")
        .values_list("indicator__code", "value")
    )  # the latest figure per indicator wins

    period_snapshots = IndicatorSnapshot.objects.filter(
        indicator_id__in=ids, period_kind=period.kind, period_start=period.start
    )
    period_snapshots.filter(frozen_at__isnull=True).delete()
    frozen = {}
    for snap in period_snapshots.order_by("version"):
        frozen[_key(snap.indicator_id, snap)] = snap
    now = timezone.now()
    new = []
    for definition in wanted:
        indicator = indicators[definition.code]
        if definition.method == Indicator.Method.MANUAL:
            rows = _manual_rows(definition, period, figures)
        else:
            rows = definition.compute(period) if definition.compute else []
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
                )
            )
    IndicatorSnapshot.objects.bulk_create(new, batch_size=2000)
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
