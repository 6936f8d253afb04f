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
(``people_by_scope``): a plain count the database hashes in one pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Aggregate, Count, Expression, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from consents.models import Enrolment
from sites.selectors import organisation_health_trust

from ..models import RunningEnrolment
from ..periods import Period
from .base import ALL_LEVELS, NATIONAL, ORGANISATION, REGION, TRUST, Row, ScopePaths
from .scopes import (
    ENROLMENT_FIELDS,
    enrolment_active,
    people_count,
    scope_results,
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


@dataclass
class _Kept:
    period: Period
    built: bool = False


_kept: ContextVar[_Kept | None] = ContextVar("running_enrolments_kept", default=None)


def _create(period: Period) -> None:
    table = connection.ops.quote_name(RunningEnrolment._meta.db_table)
    rows = Enrolment.objects.filter(enrolment_active(period)).order_by()
    sql, params = rows.values(
        "id", "participant_id", "study_id", "included_on", **COLUMNS, **RANKS
    ).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {table} AS {sql}", params)  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")  # a temporary table is never analysed on its own


def _drop() -> None:
    table = connection.ops.quote_name(RunningEnrolment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {table}")  # noqa: S608 - the model's own table name


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
                _drop()
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
            _create(period)
            kept.built = True
        yield RunningEnrolment.objects.all()


def _people_first(level: str) -> dict[str, Count]:
    first = Q(**{f"rank_{level}": 1})
    return {
        f"n_{level}": Count("pk", filter=first),
        f"unknown_sex_{level}": Count("pk", filter=first & Q(sex__in=UNKNOWN_SEX)),
        f"unknown_age_{level}": Count("pk", filter=first & Q(birth_year=None)),
    }


def people_by_scope(
    running: QuerySet[RunningEnrolment],
    breakdowns: dict[str, Expression | F],
    *,
    totals: bool = True,
) -> list[Row]:
    """The people (``PEOPLE``, with their coverage) per scope of ``running``, broken down
    only by what is the participant's own (sex, age band, home municipality): each person counted
    on their first row in the scope, which holds the same breakdown value as any other."""
    aggregates = {name: a for level in ALL_LEVELS for name, a in _people_first(level).items()}
    rows = []
    for scope, name, value, result in scope_results(
        running, **RUNNING_SCOPE, aggregates=aggregates, breakdowns=breakdowns, totals=totals
    ):
        level = scope.kind
        value_, numerator, denominator, coverage = people_count(
            {key: result[f"{key}_{level}"] for key in ("n", "unknown_sex", "unknown_age")}
        )
        rows.append(scope_row(scope, name, value, (value_, numerator, denominator), coverage))
    return rows
