"""Selectors for what leaves the back office: public names of scopes and the disclosure-controlled
values of the public API, its CSV download and the monthly reports.

Every published value passes through ``public_values`` (or ``hidden_snapshot_ids`` for a report).
The pattern (``disclosure.suppression_pattern`` over all the indicator's values of a calendar year,
whatever page or filter is asked for: a page must hide what the whole table hides) is worked out
once, when a period is computed, and stored on the snapshots (``IndicatorSnapshot.suppressed``, see
``services.snapshots_disclosure_store``); a request only reads it. A snapshot not yet decided
(``suppressed`` empty: computed before the pattern was stored) is controlled on request as before.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet

from sites.models import Organisation
from sites.selectors import organisation_health_trust

from .catalogue import NATIONAL, REGION, TRUST
from .disclosure import CellKey, Table, suppression_pattern
from .models import Indicator, IndicatorSnapshot
from .selectors import snapshot_current

# A growth value is worked out from the counts of another indicator (this period and the same
# period a year earlier): it is hidden wherever either of those is hidden.
GROWTH_OF = {"participants-growth": "participants-included"}

NO_ORGNR = Q(organisation__orgnr__isnull=True) | Q(organisation__orgnr="")
ORGANISATION_SCOPES = ("organisation", TRUST)


def public_scope_name(snapshot: IndicatorSnapshot) -> str:
    """``national``, ``region:<code>``, ``org:<orgnr>`` or ``hf:<orgnr>`` (never internal ids).

    Reads the ``region_code`` and ``public_orgnr`` that ``snapshot_public`` annotates."""
    region_code = getattr(snapshot, "region_code", None)
    orgnr = getattr(snapshot, "public_orgnr", None)
    if snapshot.scope_kind == REGION and region_code is not None:
        return f"region:{region_code}"
    if snapshot.scope_kind in ORGANISATION_SCOPES and orgnr is not None:
        prefix = "hf" if snapshot.scope_kind == TRUST else "org"
        return f"{prefix}:{orgnr}"
    return NATIONAL


def snapshot_public() -> QuerySet[IndicatorSnapshot]:
    """Current values the public may be shown (organisations without an organisation number have
    no public name and are left out), with the public names of their region and organisation
    (annotated: one model per row, not four, for a CSV of a hundred thousand rows)."""
    return (
        snapshot_current()
        .exclude(Q(scope_kind__in=ORGANISATION_SCOPES) & NO_ORGNR)
        .annotate(region_code=F("region__code"), public_orgnr=F("organisation__orgnr"))
        .only(
            "pk",
            "indicator_id",
            "period_kind",
            "period_start",
            "scope_kind",
            "scope_key",
            "breakdown",
            "breakdown_value",
            "value",
            "numerator",
            "denominator",
            "version",
            "computed_at",
            "period_end",
            "provisional",
            "suppressed",
        )
    )


def cell_key(snapshot: IndicatorSnapshot) -> CellKey:
    return (
        snapshot.period_kind,
        snapshot.period_start,
        snapshot.scope_key,
        snapshot.breakdown,
        snapshot.breakdown_value,
    )


def _scope_parents(org_ids: set[int]) -> tuple[dict[str, tuple[str, ...]], set[int]]:
    """Which scopes each organisation's values sum into, and the organisations with no public name."""
    parents: dict[str, tuple[str, ...]] = {}
    nameless: set[int] = set()
    organisations = (
        Organisation.objects.filter(pk__in=org_ids)
        .annotate(trust=organisation_health_trust())
        .values_list("pk", "region_id", "trust", "orgnr")
    )
    for pk, region_id, trust, orgnr in organisations:
        parents[f"org:{pk}"] = tuple(
            key
            for key in (f"region:{region_id}" if region_id else "", f"hf:{trust}" if trust else "")
            if key
        )
        if not orgnr:
            nameless.add(pk)
    return parents, nameless


def hidden_cells(*, indicator: Indicator, years: Iterable[int]) -> set[tuple[int, CellKey]]:
    """(indicator id, cell) of every value of ``indicator`` in ``years`` the public may not see.

    Two queries for each indicator involved (one for an ordinary indicator), whatever the number of
    years, scopes and breakdowns.
    """
    if not indicator.counts_people:
        return set()
    years = sorted(set(years))
    linked = GROWTH_OF.get(indicator.code)
    if linked is None:
        return {(indicator.pk, key) for key in _hidden_for(indicator.code, years)}
    own = _hidden_for(indicator.code, years)
    source = _hidden_for(linked, sorted({y for year in years for y in (year, year - 1)}))
    for kind, start, scope, breakdown, value in source:
        own.add((kind, start, scope, breakdown, value))
        later = start.replace(year=start.year + 1)
        own.add((kind, later, scope, breakdown, value))
    return {(indicator.pk, key) for key in own}


def _hidden_for(code: str, years: list[int]) -> set[CellKey]:
    if not years:
        return set()
    # Every version, the newest kept per cell here: cheaper than a NOT EXISTS per row.
    rows = (
        IndicatorSnapshot.objects.filter(
            indicator__code=code,
            period_start__gte=dt.date(years[0], 1, 1),
            period_start__lt=dt.date(years[-1] + 1, 1, 1),
        )
        .order_by("version")
        .values_list(
            "period_kind",
            "period_start",
            "scope_key",
            "breakdown",
            "breakdown_value",
            "numerator",
            "denominator",
            "organisation_id",
        )
    )
    current = {row[:5]: row for row in rows if row[1].year in years}
    org_ids = {row[7] for row in current.values() if row[7] is not None}
    parents, nameless = _scope_parents(org_ids)
    tables: dict[int, Table] = defaultdict(lambda: Table(scope_parents=parents))
    for key, (*_cell, numerator, denominator, org_id) in current.items():
        if key[2].startswith("region:"):
            parents.setdefault(key[2], (NATIONAL,))
        tables[key[1].year].add(
            key, numerator=numerator, denominator=denominator, published=org_id not in nameless
        )
    hidden: set[CellKey] = set()
    for table in tables.values():
        hidden |= suppression_pattern(table)
    return hidden


def snapshot_masked(
    snapshot: IndicatorSnapshot | None, hidden: set[int]
) -> IndicatorSnapshot | None:
    """The snapshot as a report may show it: a hidden one keeps its id (for tracing) and loses its
    value, numerator and denominator, and says it is ``suppressed``."""
    if snapshot is None or snapshot.pk not in hidden:
        return snapshot
    masked = copy.copy(snapshot)
    masked.value = masked.numerator = masked.denominator = None
    masked.suppressed = True
    return masked


def disclosure_decisions(*, indicator: Indicator, year: int) -> dict[int, bool]:
    """Every snapshot of ``indicator`` in ``year`` (each version) → may the public not see it?

    The pattern of the year's current values; an older version shares its cell's decision. Three
    queries (four for a growth indicator).
    """
    hidden = {key for _id, key in hidden_cells(indicator=indicator, years=[year])}
    rows = IndicatorSnapshot.objects.filter(
        indicator=indicator,
        period_start__gte=dt.date(year, 1, 1),
        period_start__lt=dt.date(year + 1, 1, 1),
    ).values_list("pk", "period_kind", "period_start", "scope_key", "breakdown", "breakdown_value")
    return {pk: tuple(key) in hidden for pk, *key in rows}


def hidden_snapshot_ids(snapshots: Iterable[IndicatorSnapshot | None]) -> set[int]:
    """Of these snapshots (of any indicators and periods), the ids the public may not see: the
    decision stored when the period was computed, worked out here only for undecided snapshots."""
    given = [s for s in snapshots if s is not None]
    hidden = {s.pk for s in given if s.suppressed}
    wanted = [s for s in given if s.suppressed is None]
    if not wanted:
        return hidden
    years: dict[int, set[int]] = defaultdict(set)
    for snap in wanted:
        years[snap.indicator_id].add(snap.period_start.year)
    indicators = Indicator.objects.only("pk", "code", "counts_people").in_bulk(list(years))
    cells: set[tuple[int, CellKey]] = set()
    for indicator_id, indicator_years in years.items():
        cells |= hidden_cells(indicator=indicators[indicator_id], years=indicator_years)
    return hidden | {s.pk for s in wanted if (s.indicator_id, cell_key(s)) in cells}


def counts_hidden(total: IndicatorSnapshot | None, counts: dict[str, int]) -> set[str]:
    """Of counts of people per item (the studies of a report) that add up to a published total
    (``total``, as the report shows it), the items to hide: the same rule as every other table —
    1–4 people, and a second item wherever one hidden item could be worked out from the total."""
    group: CellKey = ("report", dt.date.min, "items", "", "")
    table = Table()
    if total is not None:
        table.add(
            group,
            numerator=total.numerator if total.numerator is not None else total.value,
            denominator=None,
            published=not getattr(total, "suppressed", False),
        )
    for name, n in counts.items():
        table.add((*group[:3], "item", name), numerator=Decimal(n), denominator=None)
    return {key[4] for key in suppression_pattern(table) if key[3] == "item"}


@dataclass(frozen=True)
class PublicValue:
    """One published value; a suppressed one has no value, numerator or denominator."""

    period: str
    scope: str
    breakdown: str
    breakdown_value: str
    value: str | None
    numerator: str | None
    denominator: str | None
    suppressed: bool
    version: int
    computed_at: dt.datetime
    provisional: bool = False


def plain_number(value: Decimal | None) -> str | None:
    """``9090``, ``12.35``: fixed-point, at most two decimals, never ``9.09E+3``."""
    if value is None:
        return None
    rounded = value if value == value.to_integral_value() else round(value, 2)
    return format(rounded.normalize(), "f")


def public_period_label(snap: IndicatorSnapshot) -> str:
    """``2026-10`` (a month), ``2025`` (a year) or ``2026-01..10`` (the year to date), as the
    ``period`` parameter takes them."""
    if snap.period_kind == "month":
        return f"{snap.period_start:%Y-%m}"
    if snap.period_kind == "ytd" and snap.period_end:
        return f"{snap.period_start:%Y}-01..{snap.period_end:%m}"
    return f"{snap.period_start:%Y}"


def public_values(snapshots: list[IndicatorSnapshot]) -> list[PublicValue]:
    """The public form of a page of values, with disclosure control applied."""
    hidden = hidden_snapshot_ids(snapshots)
    result = []
    for snap in snapshots:
        suppressed = snap.pk in hidden
        result.append(
            PublicValue(
                period=public_period_label(snap),
                scope=public_scope_name(snap),
                breakdown=snap.breakdown,
                breakdown_value=snap.breakdown_value,
                value=None if suppressed else plain_number(snap.value),
                numerator=None if suppressed else plain_number(snap.numerator),
                denominator=None if suppressed else plain_number(snap.denominator),
                suppressed=suppressed,
                version=snap.version,
                computed_at=snap.computed_at,
                provisional=bool(snap.provisional),
            )
        )
    return result
