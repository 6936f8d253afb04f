"""The enrolments running in a period, joined once: the rows every running-enrolment indicator reads.

Counting the people taking part joins each running enrolment to its site, organisation (three times
over, for the health trust), participant and study; at national scale that join costs as much as the
count itself, and seven breakdowns would make it seven times. ``running_enrolments`` materialises it
once, as a temporary table (``RunningEnrolment``) holding every scope and breakdown column, and
``running_enrolments_kept`` keeps that table for a whole period's computation, so it is built once
per period (when an indicator first needs it) and dropped at the end. The same SQL runs on SQLite and PostgreSQL.

Counting distinct people sorts every group's participants, once per scope level and breakdown. The
table also marks each participant's first row in each scope (``rank_<level> = 1``), so a breakdown
by what the participant is (sex, age, home municipality) counts those rows instead
(``people_by_scope``): a plain count the database hashes in one pass. A breakdown by what the
enrolment is (the study's HRCS categories and sponsor type, the site's care level) can differ
between a person's enrolments in one scope: the table holds, on each row, the set of those values
among the participant's rows in the scope of each level (``mask_<level>``, one bit per value,
``MASK_VALUES``), worked out in the same pass as the ranks; the first rows are counted per set, and
each set's count is added to each of its values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    BigIntegerField,
    Case,
    Count,
    Expression,
    F,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, RowNumber

from consents.models import Enrolment
from sites.selectors import organisation_health_trust
from trials.models import HealthCategory, Study

from ..aggregates import BitOr
from ..models import RunningEnrolment, RunningStudyCategories
from ..periods import Period
from .base import ALL_LEVELS, NATIONAL, ORGANISATION, REGION, TRUST, Row, ScopePaths
from .scopes import (
    BREAKDOWN_LEVELS,
    CARE_LEVELS,
    ENROLMENT_FIELDS,
    Scope,
    by_scope,
    care_level,
    enrolment_active,
    level_results,
    people_count,
    scope_row,
)

BREAKDOWN_COLUMNS = ("organisation_kind", "sponsor_type", "sex", "birth_year", "municipality")
"""The breakdowns' columns, each read from its path in ``scopes.ENROLMENT_FIELDS``."""

COLUMNS: dict[str, Expression | F] = {
    "organisation_id": F("site__organisation_id"),
    "region_id": F("site__organisation__region_id"),
    "trust_id": organisation_health_trust("site__organisation__"),
    **{name: F(ENROLMENT_FIELDS[name]) for name in BREAKDOWN_COLUMNS},
}
"""Where each column of ``RunningEnrolment`` comes from, seen from ``Enrolment`` (besides the
enrolment's own id, participant, study and inclusion day)."""

_SCOPE_COLUMNS = {
    NATIONAL: [],
    REGION: [COLUMNS["region_id"]],
    TRUST: [COLUMNS["trust_id"]],
    ORGANISATION: [COLUMNS["organisation_id"]],
}
RANKS: dict[str, Expression | F] = {
    f"rank_{level}": Window(RowNumber(), partition_by=[F("participant_id"), *scope_columns])
    for level, scope_columns in _SCOPE_COLUMNS.items()
}
"""The participant's rows in the scope of each level, numbered (any order: only 1 is looked for)."""

RUNNING_SCOPE: ScopePaths = {
    "region": "region_id",
    "organisation": "organisation_id",
    "trust": "trust_id",
}

RUNNING_FIELDS = {
    "hrcs": ENROLMENT_FIELDS["hrcs"],  # a study's categories: one row for each would count twice
    **{name: name for name in BREAKDOWN_COLUMNS},
}
"""The breakdowns' paths on ``RunningEnrolment`` (see ``enrolment_breakdowns``)."""

UNKNOWN_SEX = ["unknown", ""]

PEOPLE: dict[str, Aggregate] = {
    "n": Count("participant", distinct=True),
    "unknown_sex": Count("participant", distinct=True, filter=Q(sex__in=UNKNOWN_SEX)),
    "unknown_age": Count("participant", distinct=True, filter=Q(birth_year=None)),
}
"""The people among running enrolments, and how many of them have no known sex or birth year."""


PEOPLE_FIRST: dict[str, Aggregate] = {
    "n": Count("pk"),
    "unknown_sex": Count("pk", filter=Q(sex__in=UNKNOWN_SEX)),
    "unknown_age": Count("pk", filter=Q(birth_year=None)),
}
"""``PEOPLE`` counted on rows that are each a different person's first in the scope."""

PARTICIPANT_BREAKDOWNS = ("sex", "age_band", "municipality")
"""The breakdowns by what is the participant's own: the same value on each of their rows."""


@dataclass(frozen=True)
class MaskValues:
    """The bits an enrolment breakdown's values have in the masks, and the bit of a value not
    among them (0: there is none)."""

    bits: dict[str | None, int]
    other: int = 0


MASK_BITS = 63
"""The bits of a mask (a signed 64-bit integer, never negative)."""


def mask_values() -> dict[str, MaskValues]:
    """The values of each enrolment breakdown counted from the masks, one bit each: the care levels,
    the sponsor types and the HRCS categories (with "none" for a study without any); the HRCS
    categories are left out (counted distinct, see ``people_by_scope``) if they do not fit."""
    bits = iter(1 << bit for bit in range(MASK_BITS))
    values = {
        "care_level": MaskValues({level: next(bits) for level in CARE_LEVELS}),
        "sponsor_type": MaskValues(
            {value: next(bits) for value in Study.SponsorType.values}, other=next(bits)
        ),
    }
    codes = list(HealthCategory.objects.order_by("code").values_list("code", flat=True))
    if len(codes) + 2 <= MASK_BITS - sum(len(v.bits) + bool(v.other) for v in values.values()):
        hrcs = {None: next(bits), **{code: next(bits) for code in codes}}
        values["hrcs"] = MaskValues(hrcs, other=next(bits))
    return values


def _row_mask(values: dict[str, MaskValues]) -> Expression:
    """The bits of one running enrolment's values (seen from ``Enrolment``)."""
    care, sponsor = values["care_level"], values["sponsor_type"]
    mask: Expression = care_level(
        ENROLMENT_FIELDS["organisation_kind"],
        lambda level: Value(care.bits[level]),
        output_field=BigIntegerField(),
    ) + Case(
        *(
            When(**{ENROLMENT_FIELDS["sponsor_type"]: value, "then": Value(bit)})
            for value, bit in sponsor.bits.items()
        ),
        default=Value(sponsor.other),
        output_field=BigIntegerField(),
    )
    if "hrcs" in values:
        none = values["hrcs"].bits[None]
        mask = mask + Coalesce(F("study__running_categories__mask"), Value(none))
    return mask


def _study_categories(values: MaskValues) -> QuerySet[Study.hrcs_categories.through]:
    """Each study's HRCS categories as the sum of their bits (a study has each category once), with
    the bit of any other category."""
    known = {code: bit for code, bit in values.bits.items() if code is not None}
    bits = Sum(
        Case(
            *(When(healthcategory__code=code, then=Value(bit)) for code, bit in known.items()),
            default=Value(0),
            output_field=BigIntegerField(),
        )
    )
    other = Max(
        Case(
            When(healthcategory__code__in=list(known), then=Value(0)),
            default=Value(values.other),
            output_field=BigIntegerField(),
        )
    )
    through = Study.hrcs_categories.through.objects.order_by()
    return through.values("study_id").annotate(mask=Cast(bits + other, BigIntegerField()))


@dataclass
class _Kept:
    period: Period
    built: bool = False
    masks: dict[str, MaskValues] = field(default_factory=dict)


_kept: ContextVar[_Kept | None] = ContextVar("running_enrolments_kept", default=None)


def _create_table(table: str, rows: QuerySet[Any]) -> None:
    sql, params = rows.query.sql_with_params()
    name = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {name} AS {sql}", params)  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {name}")  # a temporary table is never analysed on its own


def _create(period: Period) -> dict[str, MaskValues]:
    """Build the period's running enrolments (and the studies' HRCS categories they read); the
    values their masks hold."""
    values = mask_values()
    if "hrcs" in values:
        _create_table(RunningStudyCategories._meta.db_table, _study_categories(values["hrcs"]))
    row_mask = _row_mask(values)
    masks = {
        f"mask_{level}": Window(BitOr(row_mask), partition_by=[F("participant_id"), *columns])
        for level, columns in _SCOPE_COLUMNS.items()
    }
    rows = Enrolment.objects.filter(enrolment_active(period)).order_by()
    columns = rows.values(
        "id", "participant_id", "study_id", "included_on", **COLUMNS, **RANKS, **masks
    )
    _create_table(RunningEnrolment._meta.db_table, columns)
    return values


def _drop(masks: dict[str, MaskValues]) -> None:
    tables = [RunningEnrolment._meta.db_table]
    if "hrcs" in masks:
        tables.append(RunningStudyCategories._meta.db_table)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")  # noqa: S608


@contextmanager
def _keeping(period: Period) -> Iterator[_Kept]:
    kept = _kept.get()
    if kept is not None and kept.period == period:
        yield kept
        return
    kept = _Kept(period)
    token = _kept.set(kept)
    try:
        with transaction.atomic():
            yield kept
            if kept.built:
                _drop(kept.masks)
    finally:
        _kept.reset(token)


@contextmanager
def running_enrolments_kept(period: Period) -> Iterator[None]:
    """Keep the period's running enrolments, once built, for every indicator computed inside; drop
    them at the end. The block is a transaction of its own, so that an error leaves no table
    behind on the connection."""
    with _keeping(period):
        yield


@contextmanager
def running_enrolments(period: Period) -> Iterator[QuerySet[RunningEnrolment]]:
    """The enrolments running in ``period`` (``enrolment_active``), one row each, with their scope
    and breakdown columns: built at the first use inside ``running_enrolments_kept``, else for this
    use alone.

    Every enrolment included in the period is among them (an enrolment ends on or after the day it
    was included: a constraint of the table), so ``within("included_on", period)`` of these rows
    are the period's new enrolments."""
    with _keeping(period) as kept:
        if not kept.built:
            kept.masks = _create(period)
            kept.built = True
        yield RunningEnrolment.objects.all()


def people_by_scope(
    running: QuerySet[RunningEnrolment], breakdowns: Mapping[str, Expression | F]
) -> list[Row]:
    """The people (``PEOPLE``, with their coverage) per scope of ``running``, in total and per
    breakdown, each person counted once in each scope and value: on their first row in the scope,
    grouped by what is their own (``PARTICIPANT_BREAKDOWNS``: the first row holds the same value as
    any other) and by the set of an enrolment breakdown's values their rows in the scope have
    (``mask_<level>``), whose count is added to each of its values. Running enrolments of a value
    without a bit of its own (``MaskValues.other``), and a breakdown without a mask, are counted
    distinct (``PEOPLE``) instead. One query per level on PostgreSQL."""
    kept = _kept.get()
    masks = {name: v for name, v in (kept.masks if kept else {}).items() if name in breakdowns}
    rows: list[Row] = []
    by_set: SetCounts = {}
    distinct = {name for name in breakdowns if name not in PARTICIPANT_BREAKDOWNS} - set(masks)
    for level in ALL_LEVELS:
        grouped = {
            name: Coalesce(expression, Value(""))  # never NULL: see ``level_results``
            for name, expression in breakdowns.items()
            if name in PARTICIPANT_BREAKDOWNS and level in BREAKDOWN_LEVELS.get(name, ALL_LEVELS)
        }
        if masks:
            grouped["_mask"] = F(f"mask_{level}")
        first = running.filter(**{f"rank_{level}": 1})
        for scope, name, value, result in level_results(
            first, RUNNING_SCOPE, level, grouped, PEOPLE_FIRST
        ):
            counts = [result[key] for key in PEOPLE]
            if name != "_mask":
                breakdown_value = "" if value is None else str(value)
                rows.append(_people_row(scope, name, breakdown_value, counts))
                continue
            distinct |= _add_set(by_set, masks, scope, value, counts)
    for (scope, name, value), counts in by_set.items():
        if name not in distinct:
            rows.append(_people_row(scope, name, "" if value is None else str(value), counts))
    if distinct:
        rows += by_scope(
            running,
            **RUNNING_SCOPE,
            aggregates=PEOPLE,
            to_value=people_count,
            breakdowns={name: breakdowns[name] for name in breakdowns if name in distinct},
            totals=False,
        )
    return rows


SetCounts = dict[tuple[Scope, str, str | None], list[int]]
"""The people (``PEOPLE``) per scope, enrolment breakdown and value, added up from their sets."""


def _add_set(
    by_set: SetCounts, masks: dict[str, MaskValues], scope: Scope, mask: int, counts: list[int]
) -> set[str]:
    """Add the people with the set of values ``mask`` in ``scope`` to each of its values; the
    breakdowns with a value of no bit of its own among them."""
    for breakdown, values in masks.items():
        for value, bit in values.bits.items():
            if mask & bit:
                total = by_set.setdefault((scope, breakdown, value), [0, 0, 0])
                total[:] = [a + b for a, b in zip(total, counts, strict=True)]
    return {breakdown for breakdown, values in masks.items() if mask & values.other}


def _people_row(scope: Scope, breakdown: str, value: str, counts: list[int]) -> Row:
    n, unknown_sex, unknown_age = counts
    result = {"n": n, "unknown_sex": unknown_sex, "unknown_age": unknown_age}
    value_, numerator, denominator, coverage = people_count(result)
    return scope_row(scope, breakdown, value, (value_, numerator, denominator), coverage)
