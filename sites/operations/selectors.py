"""Reads for load balancers and operators: is this process able to serve?"""

import redis
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


def _broker_durability() -> str:
    """ "ok" if the broker's Redis keeps its queue over a restart and never evicts it (README,
    Production); otherwise what is wrong, or "unknown" where the CONFIG command is not allowed."""
    url = current_app.conf.broker_url or ""
    if not url.startswith(("redis://", "rediss://")):
        return "unknown"
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        config = {
            **client.config_get("appendonly"),
            **client.config_get("maxmemory-policy"),
        }
    except redis.exceptions.ResponseError:
        return "unknown"
    finally:
        client.close()
    wrong = [
        f"{name} {config.get(name)}"
        for name, wanted in (("appendonly", "yes"), ("maxmemory-policy", "noeviction"))
        if config.get(name) != wanted
    ]
    return "; ".join(wrong) or "ok"


def readiness() -> tuple[bool, dict]:
    """(ready, checks). Not ready without the database or with unapplied migrations.

    A broker outage is reported but keeps the process ready: the site, the API and the admin work
    without Redis, and queued work is kept as pending tasks until it returns. So is a broker that
    would lose its queue on a restart or evict it when full (``broker_durability``).
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
    if checks["broker"] == "ok":
        try:
            checks["broker_durability"] = _broker_durability()
        except Exception:  # noqa: BLE001
            checks["broker_durability"] = "unknown"
    if checks["database"] == "ok":
        checks["pending_tasks"] = PendingTask.objects.count()
    return ready, checks
