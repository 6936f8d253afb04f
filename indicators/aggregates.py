"""Database functions the catalogue needs that Django does not ship: median, bitwise OR and days
between dates.

They run inside the database: PostgreSQL has ``percentile_cont``, date subtraction and ``BIT_OR``; on
SQLite a ``MEDIAN`` aggregate and a ``BIT_OR`` aggregate and window function are registered on every
new connection (see ``apps.py``).

``aggregation_session`` gives a period's computation the memory its large aggregates need.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Aggregate, BigIntegerField, FloatField, Func

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType


AGGREGATION_WORK_MEM = "256MB"
"""Memory for each sort and hash of a period's aggregates on PostgreSQL (the server's default, 4 MB,
sorts the running enrolments of a month on disk and hashes the participants in batches). At a
million enrolments the month's running enrolments (about half) are sorted in memory with it; more
does not make the counts of ten million faster. Two computations of the same indicators wait for each
other (``snapshots_compute`` locks them), so this is the memory of one session at a time."""


@contextmanager
def aggregation_session() -> Iterator[None]:
    """Run a period's aggregates in one transaction with room to sort and hash in memory and without
    just-in-time compilation (it costs more than it saves on these short scans). The settings last to the end of
    the outermost transaction (``SET LOCAL``), never beyond; other databases run as they are."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)",
                    [AGGREGATION_WORK_MEM],
                )
        yield


class Median(Aggregate):
    function = "MEDIAN"
    name = "Median"
    output_field = FloatField()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> _AsSqlType:
        return self.as_sql(
            compiler,
            connection,
            template="percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)",
            **extra_context,
        )


class BitOr(Aggregate):
    """The bitwise OR of integers: the union of the sets of values their bits stand for (over a
    window, the set a participant has in a scope; see ``catalogue.running``)."""

    function = "BIT_OR"
    name = "BitOr"
    output_field = BigIntegerField()


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (two date expressions), as a number."""

    output_field = FloatField()
    arity = 2

    def __init__(self, end: Any, start: Any, **extra: Any) -> None:
        super().__init__(end, start, **extra)

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> _AsSqlType:
        return super().as_sql(
            compiler,
            connection,
            function=function,
            template=template or "(%(expressions)s)",
            arg_joiner=arg_joiner or " - ",
            **extra_context,
        )

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> _AsSqlType:
        return super().as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class _SqliteMedian:
    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return statistics.median(self.values) if self.values else None


class _SqliteBitOr:
    """``BIT_OR`` for SQLite, as an aggregate and a window function: how many rows of the frame
    have each bit set, so that a row leaving the frame can be taken out."""

    def __init__(self) -> None:
        self.counts = [0] * 64
        self.rows = 0  # with a value: none, and the OR is NULL as on PostgreSQL

    def _add(self, value: int | None, step: int) -> None:
        if value is not None:
            self.rows += step
            for bit in range(64):
                if value >> bit & 1:
                    self.counts[bit] += step

    def step(self, value: int | None) -> None:
        self._add(value, 1)

    def inverse(self, value: int | None) -> None:
        self._add(value, -1)

    def value(self) -> int | None:
        if not self.rows:
            return None
        mask = sum(1 << bit for bit, n in enumerate(self.counts) if n)
        return mask - (1 << 64) if mask >= 1 << 63 else mask  # a signed 64-bit integer

    def finalize(self) -> int | None:
        return self.value()


def register_sqlite_functions(
    sender: object, connection: BaseDatabaseWrapper, **kwargs: Any
) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MEDIAN", 1, _SqliteMedian)
        connection.connection.create_window_function("BIT_OR", 1, _SqliteBitOr)
