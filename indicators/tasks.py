"""Thin Celery tasks for indicators and monthly reports."""

import logging

from celery import shared_task
from django.conf import settings

from sites.operations.services import task_enqueue

from . import services
from .periods import Period, previous_month

logger = logging.getLogger(__name__)


@shared_task(name="indicators.tasks.monthly_reports")
def monthly_reports(period: str | None = None) -> dict:
    """1st of the month: compute last month's snapshots and the annual periods beside it (the year
    to date and the year), then queue one send per recipient."""
    target = Period.parse(period) if period else previous_month()
    # The month and its annual periods first, then the year's disclosure pattern once.
    result = services.snapshots_compute(period=target, disclosure=False)
    services.snapshots_compute_annual(month=target)
    run_ids = services.report_runs_prepare(period=target)
    for run_id in run_ids:
        task_enqueue(task_name="indicators.tasks.send_report", kwargs={"run_id": run_id})
    return {"period": str(target), "snapshots": result.created, "queued": len(run_ids)}


@shared_task(name="indicators.tasks.send_report", bind=True, acks_late=True, max_retries=None)
def send_report(self, run_id: int) -> str:
    """Claim and send one report; idempotent, so late acknowledgement and redelivery are safe.

    The last attempt that fails alerts the national administrators."""
    retries = settings.INDICATORS_REPORT_MAX_RETRIES
    last_attempt = self.request.is_eager or self.request.retries >= retries
    try:
        return services.report_send(run_id=run_id, alert_on_failure=last_attempt)
    except services.ReportDeliveryError as exc:
        if last_attempt:
            return "failed"
        countdown = settings.INDICATORS_REPORT_RETRY_SECONDS * 2**self.request.retries
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(name="indicators.tasks.requeue_pending_reports")
def requeue_pending_reports() -> int:
    """Every five minutes: queue again the report runs whose message was lost."""
    return len(services.report_runs_requeue_pending())


@shared_task(name="indicators.tasks.send_report_failure_alert", bind=True, max_retries=None)
def send_report_failure_alert(self, run_id: int) -> int:
    """E-mail the national administrators about a failed run; SMTP down is retried with backoff."""
    try:
        return services.report_run_failure_mail(run_id=run_id)
    except services.ReportDeliveryError as exc:
        retries = settings.INDICATORS_REPORT_MAX_RETRIES
        if self.request.is_eager or self.request.retries >= retries:
            logger.error("Alert about failed report run %s not sent: %s", run_id, exc)
            return 0
        countdown = settings.INDICATORS_REPORT_RETRY_SECONDS * 2**self.request.retries
        raise self.retry(exc=exc, countdown=countdown) from exc
