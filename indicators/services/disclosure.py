"""Storing the disclosure-control pattern with the snapshots, so that the public API, its CSV and
the reports read which values to hide instead of working it out on every request."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from ..models import Indicator, IndicatorSnapshot
from ..publication import GROWTH_OF, disclosure_decisions

_CHUNK = 5000


def _linked(codes: set[str], years: set[int]) -> set[tuple[str, int]]:
    """(code, year) pairs whose pattern depends on ``codes`` in ``years``: each itself, and a growth
    value of the same and the next year when the counts it is worked out from change."""
    pairs = {(code, year) for code in codes for year in years}
    for growth, source in GROWTH_OF.items():
        if source in codes:
            pairs |= {(growth, y) for year in years for y in (year, year + 1)}
    return pairs


def _mark(ids: list[int], *, suppressed: bool) -> int:
    changed = 0
    for start in range(0, len(ids), _CHUNK):
        changed += (
            IndicatorSnapshot.objects.filter(pk__in=ids[start : start + _CHUNK])
            .exclude(suppressed=suppressed)
            .update(suppressed=suppressed)
        )
    return changed


def _people(codes: Iterable[str] | None) -> set[str]:
    people = Indicator.objects.filter(counts_people=True)
    if codes is not None:
        people = people.filter(code__in=list(codes))
    return set(people.values_list("code", flat=True))


def snapshots_disclosure_reset(*, years: Iterable[int], codes: Iterable[str] | None = None) -> int:
    """Mark the decisions of ``years`` undecided (the values changed and the pattern is stored
    later): until then a request works the pattern out itself, so no stale decision is read."""
    changed = 0
    for code, year in _linked(_people(codes), set(years)):
        changed += IndicatorSnapshot.objects.filter(
            indicator__code=code, period_start__year=year, suppressed__isnull=False
        ).update(suppressed=None)
    return changed


@transaction.atomic
def snapshots_disclosure_store(*, years: Iterable[int], codes: Iterable[str] | None = None) -> int:
    """Work out the disclosure pattern of each indicator that counts people (or of ``codes``) for
    ``years`` and store it on every snapshot of those years (all versions); returns how many
    snapshots changed. Idempotent; run after the snapshots of a period are computed."""
    pairs = _linked(_people(codes), set(years))
    indicators = {
        i.code: i
        for i in Indicator.objects.select_for_update()
        .filter(code__in={code for code, _year in pairs}, counts_people=True)
        .order_by("pk")
    }
    changed = 0
    for code, year in sorted(pairs):
        if code not in indicators:
            continue
        decisions = disclosure_decisions(indicator=indicators[code], year=year)
        changed += _mark([pk for pk, hide in decisions.items() if hide], suppressed=True)
        changed += _mark([pk for pk, hide in decisions.items() if not hide], suppressed=False)
    return changed
