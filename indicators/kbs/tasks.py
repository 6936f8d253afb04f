"""Thin Celery tasks: ids in, a service call out."""

import smtplib

from celery import shared_task
from django.utils import timezone

from . import services
from .services import notices

MAIL_RETRY = {
    "autoretry_for": (OSError, smtplib.SMTPException),
    "retry_backoff": 30,
    "max_retries": 5,
}


@shared_task(name="kbs.tasks.send_kbs_reminder", **MAIL_RETRY)
def send_kbs_reminder(user_id: int, year: int) -> int:
    return notices.kbs_reminder_send(user_id=user_id, year=year, today=timezone.localdate())


@shared_task(name="kbs.tasks.send_kbs_revoked_alert", **MAIL_RETRY)
def send_kbs_revoked_alert(study_id: int, year: int) -> int:
    return notices.kbs_revoked_alert_send(study_id=study_id, year=year)


@shared_task(name="kbs.tasks.revoke_ineligible_kbs_projects", acks_late=True)
def revoke_ineligible_kbs_projects() -> int:
    """Nightly: KBS projects whose study stopped qualifying stop being KBS projects."""
    return len(services.kbs_projects_revoke_ineligible())
