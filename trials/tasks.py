"""Thin Celery tasks: each one calls a service."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="trials.tasks.close_expired_recruitment", acks_late=True)
def close_expired_recruitment() -> int:
    """Nightly: close studies whose planned recruitment end has passed (idempotent)."""
    return services.study_close_expired_recruitment(today=timezone.localdate())
