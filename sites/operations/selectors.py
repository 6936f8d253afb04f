"""Reads for load balancers and operators: is this process able to serve?"""

from celery import current_app
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from ..models import PendingTask

_migrations_applied = False  # once true it stays true for the life of the process


def _database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _migrations() -> str:
    global _migrations_applied
    if not _migrations_applied:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            return f"{len(plan)} not applied"
        _migrations_applied = True
    return "ok"


def _broker() -> str:
    if current_app.conf.task_always_eager:
        return "in-process"
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def readiness() -> tuple[bool, dict]:
    """(ready, checks). Not ready without the database or with unapplied migrations.

    A broker outage is reported but keeps the process ready: the site, the API and the admin work
    without Redis, and queued work is kept as pending tasks until it returns.
    """
    checks: dict[str, str | int] = {}
    ready = True
    for name, check in (("database", _database), ("migrations", _migrations)):
        try:
            checks[name] = check()
        except Exception:  # noqa: BLE001 - any failure is "not ready"; details go to the log
            checks[name] = "unreachable"
        ready = ready and checks[name] == "ok"
    try:
        checks["broker"] = _broker()
    except Exception:  # noqa: BLE001
        checks["broker"] = "unreachable"
    if checks["database"] == "ok":
        checks["pending_tasks"] = PendingTask.objects.count()
    return ready, checks
