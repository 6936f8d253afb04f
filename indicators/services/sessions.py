"""A period's indicators computed in two database sessions at once.

The indicators that read the period's running enrolments (``Definition.reads_running``) share a
temporary table, which only the session that built it can read: they are computed one after the
other in the session that stores the snapshots. Every other indicator reads the portfolio's own
tables and nothing that session has written. On PostgreSQL they are computed meanwhile in a
second session, on a thread of its own, so that the database works on two cores instead of one.

The second session sees what is committed. That is what the first reads too when the computation's
transaction is the outermost (a task, a command): it has written only the indicator rows and the
period's unreported snapshots, which no computation reads. Inside another transaction (a test, a
caller's own), whose writes a second session would not see, everything is computed in the one
session, as on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, connections

from ..aggregates import aggregation_session
from ..catalogue import Definition, Row
from ..catalogue.running import running_enrolments_elsewhere, running_enrolments_kept
from ..periods import Period

Computed = list[tuple[Definition, list[Row]]]


def rows_computed(
    wanted: list[Definition], period: Period, rows_of: Callable[[Definition], list[Row]]
) -> Computed:
    """``rows_of`` each definition of ``wanted`` for ``period``, in the order given."""
    running = [d for d in wanted if d.reads_running]
    others = [d for d in wanted if not d.reads_running]
    if not (running and others and _second_session_sees_the_same()):
        with aggregation_session(), running_enrolments_kept(period):
            return [(d, rows_of(d)) for d in wanted]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="indicators") as pool:
        elsewhere = pool.submit(_in_second_session, others, rows_of)
        with aggregation_session(), running_enrolments_kept(period):
            computed = {d.code: rows_of(d) for d in running}
        computed.update(elsewhere.result())
    return [(d, computed[d.code]) for d in wanted]


def _second_session_sees_the_same() -> bool:
    """PostgreSQL, and the computation's transaction the outermost (no savepoint below it)."""
    return connection.vendor == "postgresql" and not connection.savepoint_ids


def _in_second_session(
    definitions: list[Definition], rows_of: Callable[[Definition], list[Row]]
) -> dict[str, list[Row]]:
    try:
        with aggregation_session(), running_enrolments_elsewhere():
            return {d.code: rows_of(d) for d in definitions}
    finally:
        connections.close_all()  # this thread's own connections
