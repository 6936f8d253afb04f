"""The enrolments running in a period, joined once: the rows every running-enrolment indicator reads.

Counting the people taking part joins each running enrolment to its site, organisation (three times
over, for the health trust), participant and study; at national scale that join costs as much as the
count itself, and seven breakdowns would make it seven times. ``running_enrolments`` materialises it
once, as a temporary table (``RunningEnrolment``) holding every scope and breakdown column, and
``running_enrolments_kept`` keeps that table for a whole period's computation, so it is built once
per period (when an indicator first needs it) and dropped at the end. The same SQL runs on SQLite and PostgreSQL.

Counting distinct people sorts every group's participants, once per scope level and breakdown. The
table instead marks each participant's first row in each scope (``rank_<level> = 1``) and the set of
values of the enrolment breakdowns their rows in the scope have (``mask_<level>``, see ``masks``),
worked out in the same pass as the ranks, so that the people taking part are counted with plain
counts (``people.people_by_scope``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Count,
    Expression,
    F,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber

from consents.models import Enrolment
from sites.selectors import organisation_health_trust
from trials.models import StudySite

from ..aggregates import BitOr
from ..models import RunningEnrolment, RunningSite
from ..periods import Period
from .base import NATIONAL, ORGANISATION, REGION, TRUST, Row, ScopePaths
from .masks import MaskValues, mask_values, site_mask
from .scopes import ENROLMENT_FIELDS, enrolment_active

BREAKDOWN_COLUMNS = ("organisation_kind", "sponsor_type", "sex", "birth_year", "municipality")
"""The breakdowns' columns, each read from its path in ``scopes.ENROLMENT_FIELDS``."""

SITE_COLUMNS: dict[str, Expression | F] = {
    "region_id": F("organisation__region_id"),
    "trust_id": organisation_health_trust("organisation__"),
    "organisation_kind": F(ENROLMENT_FIELDS["organisation_kind"].removeprefix("site__")),
    "sponsor_type": F(ENROLMENT_FIELDS["sponsor_type"]),  # the site's study: the enrolment's
}
"""The columns of ``RunningSite`` (besides the site and its organisation), seen from
``StudySite``: what an enrolment has from its site."""

COLUMNS: dict[str, Expression | F] = {
    **{name: F(f"site__running_site__{name}") for name in ["organisation_id", *SITE_COLUMNS]},
    **{name: F(ENROLMENT_FIELDS[name]) for name in ("sex", "birth_year", "municipality")},
}
"""Where each column of ``RunningEnrolment`` comes from, seen from ``Enrolment`` (besides the
enrolment's own id, participant, study and inclusion day)."""

_SCOPE_COLUMNS = {
    NATIONAL: [],
    REGION: [COLUMNS["region_id"]],
    TRUST: [COLUMNS["trust_id"]],
    ORGANISATION: [COLUMNS["organisation_id"]],
}


def _in_scope(expression: Expression, level: str) -> Window:
    """``expression`` over the participant's running enrolments in the scope of ``level`` (the same
    window for each, so that the database works them out in one pass per level)."""
    return Window(expression, partition_by=[F("participant_id"), *_SCOPE_COLUMNS[level]])


RANKS: dict[str, Expression | F] = {
    f"rank_{level}": _in_scope(RowNumber(), level) for level in _SCOPE_COLUMNS
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
    masks: dict[str, MaskValues] = field(default_factory=dict)
    people: dict[Any, list[Row]] = field(default_factory=dict)  # see ``people.new_people``


_kept: ContextVar[_Kept | None] = ContextVar("running_enrolments_kept", default=None)
_elsewhere: ContextVar[bool] = ContextVar("running_enrolments_elsewhere", default=False)


@contextmanager
def running_enrolments_elsewhere() -> Iterator[None]:
    """Inside, the running enrolments are held by another database session: an indicator that
    reads them here is an error (its definition is to say ``reads_running``)."""
    token = _elsewhere.set(True)
    try:
        yield
    finally:
        _elsewhere.reset(token)


def _create_table(table: str, rows: QuerySet[Any]) -> None:
    sql, params = rows.query.sql_with_params()
    name = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {name} AS {sql}", params)  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {name}")  # a temporary table is never analysed on its own


def _create(period: Period) -> dict[str, MaskValues]:
    """Build the study sites' columns and values, then the period's running enrolments (those at
    the sites built: an enrolment added meanwhile is left to the next computation); the values
    their masks hold."""
    values = mask_values()
    sites = StudySite.objects.order_by().values("organisation_id", site_id=F("id"), **SITE_COLUMNS)
    _create_table(RunningSite._meta.db_table, sites.annotate(mask=site_mask(values)))
    masks = {
        f"mask_{level}": _in_scope(BitOr(F("site__running_site__mask")), level)
        for level in _SCOPE_COLUMNS
    }
    rows = Enrolment.objects.filter(enrolment_active(period), site__running_site__isnull=False)
    columns = rows.order_by().values(
        "id", "participant_id", "study_id", "included_on", **COLUMNS, **RANKS, **masks
    )
    _create_table(RunningEnrolment._meta.db_table, columns)
    return values


def _drop() -> None:
    with connection.cursor() as cursor:
        for model in (RunningEnrolment, RunningSite):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DROP TABLE {table}")  # noqa: S608 - the models' own table names


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
    if _elsewhere.get():
        raise RuntimeError(
            "This indicator reads the running enrolments, which another session holds: "
            "its Definition is to say reads_running=True."
        )
    with _keeping(period) as kept:
        if not kept.built:
            kept.masks = _create(period)
            kept.built = True
        yield RunningEnrolment.objects.all()


def running_kept() -> tuple[Period, dict[str, MaskValues], dict[Any, list[Row]]] | None:
    """Inside ``running_enrolments``: the period, the values of the masks and the people counted so
    far (keyed by what was counted)."""
    kept = _kept.get()
    return (kept.period, kept.masks, kept.people) if kept is not None and kept.built else None
