"""A month's indicators at national scale: the aggregates run with room to sort in memory, and a
study's first enrolment is read from an index (PostgreSQL, where the national installation runs)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from indicators import services
from indicators.aggregates import AGGREGATION_WORK_MEM, aggregation_session
from indicators.catalogue.patients import first_enrolled_in
from indicators.periods import Period

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's working memory and plans"
)


def _show(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")  # noqa: S608 - a fixed setting name
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_aggregates_get_room_in_memory_for_their_transaction_only():
    before = _show("work_mem")
    with aggregation_session():
        assert _show("work_mem") == AGGREGATION_WORK_MEM
        assert _show("jit") == "off"
    assert _show("work_mem") == before


@pytest.mark.django_db
def test_computing_a_month_runs_every_aggregate_with_that_room(world):
    with CaptureQueriesContext(connection) as ctx:
        services.snapshots_compute(period=Period.month(2026, 10))
    sql = [q["sql"] for q in ctx.captured_queries]
    raised = next(i for i, s in enumerate(sql) if "set_config('work_mem'" in s)
    counting = [i for i, s in enumerate(sql) if '"indicators_running_enrolment"' in s]
    assert counting and min(counting) > raised


@pytest.mark.django_db
def test_a_studys_first_enrolment_is_found_from_the_index(world):
    query = first_enrolled_in(Period.month(2026, 10)).values("pk").query
    sql, params = query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # On a test's few rows any index may do; without sorting, only the one in the order of
        # inclusion finds the first enrolment.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)  # noqa: S608 - the ORM's own query
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "enrolment_study_included_idx" in plan
