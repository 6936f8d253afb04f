"""The people taking part, counted from the running enrolments (``running``) with plain counts: each
person once in each scope on their first row there (``rank_<level> = 1``), and once in each value of
an enrolment breakdown from the set of values their rows in the scope have (``mask_<level>``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db.models import Aggregate, Count, Expression, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from ..models import RunningEnrolment
from ..periods import Period
from .base import ALL_LEVELS, Row
from .masks import MaskValues
from .running import PEOPLE, RUNNING_FIELDS, RUNNING_SCOPE, UNKNOWN_SEX, running_kept
from .scopes import (
    BREAKDOWN_LEVELS,
    Scope,
    by_scope,
    enrolment_breakdowns,
    level_results,
    people_count,
    scope_row,
    within,
)

PEOPLE_FIRST: dict[str, Aggregate] = {
    "n": Count("pk"),
    "unknown_sex": Count("pk", filter=Q(sex__in=UNKNOWN_SEX)),
    "unknown_age": Count("pk", filter=Q(birth_year=None)),
}
"""``PEOPLE`` counted on rows that are each a different person's first in the scope."""

PARTICIPANT_BREAKDOWNS = ("sex", "age_band", "municipality")
"""The breakdowns by what is the participant's own: the same value on each of their rows."""


def people_by_scope(
    running: QuerySet[RunningEnrolment],
    breakdowns: Mapping[str, Expression | F],
    *,
    levels: Iterable[str] = ALL_LEVELS,
) -> list[Row]:
    """The people (``PEOPLE``, with their coverage) per scope of the running enrolments, in total
    and per breakdown, each person counted once in each scope and value: on their first row in the
    scope, grouped by what is their own (``PARTICIPANT_BREAKDOWNS``: the first row holds the same
    value as any other) and by the set of an enrolment breakdown's values their rows in the scope
    have (``mask_<level>``), whose count is added to each of its values. A breakdown without a
    mask, and one with a value of no bit of its own (``MaskValues.other``), is counted distinct
    (``PEOPLE``) instead. One query per level on PostgreSQL."""
    kept = running_kept()
    assert kept is not None, "inside running_enrolments only"  # noqa: S101
    _period, all_masks, _counted = kept
    return _people(running, breakdowns, all_masks, tuple(levels))


def _people(
    running: QuerySet[RunningEnrolment],
    breakdowns: Mapping[str, Expression | F],
    all_masks: dict[str, MaskValues],
    levels: tuple[str, ...],
) -> list[Row]:
    masks = {name: v for name, v in all_masks.items() if name in breakdowns}
    counted: SetCounts = {}
    distinct = {name for name in breakdowns if name not in PARTICIPANT_BREAKDOWNS} - set(masks)
    for level in levels:
        own = [
            name
            for name in breakdowns
            if name in PARTICIPANT_BREAKDOWNS and level in BREAKDOWN_LEVELS.get(name, ALL_LEVELS)
        ]
        grouped: dict[str, Expression | F] = {
            name: Coalesce(breakdowns[name], Value(""))
            for name in own  # never NULL
        }
        if masks:
            grouped["_mask"] = F(f"mask_{level}")
        first = running.filter(**{f"rank_{level}": 1})
        groups = [own, *([["_mask"]] if masks else [])]
        for scope, index, values, result in level_results(
            first, RUNNING_SCOPE, level, grouped, groups, PEOPLE_FIRST
        ):
            counts = [result[key] for key in PEOPLE]
            if index:
                distinct |= _add_set(counted, masks, scope, values["_mask"], counts)
                continue
            for key in [(scope, "", None), *((scope, name, values[name]) for name in own)]:
                _add(counted, key, counts)
    rows = [
        _people_row(scope, name, "" if value is None else str(value), counts)
        for (scope, name, value), counts in counted.items()
        if name not in distinct
    ]
    if distinct:
        rows += by_scope(
            running,
            **RUNNING_SCOPE,
            aggregates=PEOPLE,
            to_value=people_count,
            breakdowns={name: breakdowns[name] for name in breakdowns if name in distinct},
            levels=levels,
            totals=False,
        )
    order = ["", *breakdowns]  # level by level, as the snapshots are listed
    return sorted(rows, key=lambda r: (levels.index(r.scope_kind), order.index(r.breakdown)))


def new_people(running: QuerySet[RunningEnrolment], period: Period) -> list[Row]:
    """The people included in the period (``PEOPLE``, with their coverage), per scope, in total and
    per breakdown but home municipality (the breakdowns of ``participants-included``): counted
    distinct, the period's new enrolments being few, and once for a period's computation."""
    kept = running_kept()
    assert kept is not None, "inside running_enrolments only"  # noqa: S101
    counted = kept[2]
    if "new" not in counted:
        breakdowns = enrolment_breakdowns(period, RUNNING_FIELDS)
        breakdowns.pop("municipality")
        counted["new"] = by_scope(
            running.filter(within("included_on", period)),
            **RUNNING_SCOPE,
            aggregates=PEOPLE,
            to_value=people_count,
            breakdowns=breakdowns,
        )
    return list(counted["new"])


SetCounts = dict[tuple[Scope, str, str | None], list[int]]
"""The people (``PEOPLE``) per scope, breakdown and value, added up from the groups counted."""


def _add(counted: SetCounts, key: tuple[Scope, str, str | None], counts: list[int]) -> None:
    total = counted.setdefault(key, [0, 0, 0])
    total[:] = [a + b for a, b in zip(total, counts, strict=True)]


def _add_set(
    counted: SetCounts, masks: dict[str, MaskValues], scope: Scope, mask: int, counts: list[int]
) -> set[str]:
    """Add the people with the set of values ``mask`` in ``scope`` to each of its values; the
    breakdowns with a value of no bit of its own among them."""
    for breakdown, values in masks.items():
        for value, bit in values.bits.items():
            if mask & bit:
                _add(counted, (scope, breakdown, value), counts)
    return {breakdown for breakdown, values in masks.items() if mask & values.other}


def _people_row(scope: Scope, breakdown: str, value: str, counts: list[int]) -> Row:
    n, unknown_sex, unknown_age = counts
    result = {"n": n, "unknown_sex": unknown_sex, "unknown_age": unknown_age}
    value_, numerator, denominator, coverage = people_count(result)
    return scope_row(scope, breakdown, value, (value_, numerator, denominator), coverage)
