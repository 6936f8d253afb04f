"""Database functions the catalogue needs that Django does not ship: median and days between dates.

Both run inside the database: PostgreSQL has ``percentile_cont`` and date subtraction; on SQLite a
``MEDIAN`` aggregate is registered on every new connection (see ``apps.py``).

``aggregation_session`` gives a period's computation the memory its large aggregates need.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Aggregate, FloatField, Func

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


def register_sqlite_functions(
    sender: object, connection: BaseDatabaseWrapper, **kwargs: Any
) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MEDIAN", 1, _SqliteMedian)
