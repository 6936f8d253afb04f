"""Thin Celery tasks: each one calls a service."""

from celery import shared_task

from .operations import services


@shared_task(name="sites.tasks.flush_pending_tasks")
def flush_pending_tasks() -> int:
    """Every minute: send work that was kept while the broker was down."""
    return services.pending_tasks_flush()
