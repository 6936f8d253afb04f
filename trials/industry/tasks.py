"""Thin Celery tasks of industry collaboration: each one calls a service.

The task names are the ones these tasks had in ``trials.tasks``: work waiting in the outbox or in
the broker, and the beat schedule (``config/celery.py``), find them by those names.
"""

import smtplib

from celery import shared_task
from django.utils import timezone

from .models import FeasibilityRequest, FeasibilityResponse
from .services import agreements, feasibility, feasibility_mail

# Industry collaboration (NorTrials): feasibility requests and agreement milestones.
# Mail tasks retry when the SMTP server is away; the services enqueue them with task_enqueue
# (after commit, kept as PendingTask while Redis is down),
# so a request is never lost because mail is down.
MAIL_RETRY = {
    "autoretry_for": (OSError, smtplib.SMTPException),
    "retry_backoff": 30,
    "max_retries": 5,
}


@shared_task(name="trials.tasks.feasibility_confirm", **MAIL_RETRY)
def feasibility_confirm(request_id: int) -> None:
    """Tell the sponsor the request was received and when to expect the answer."""
    feasibility_mail.send_confirmation(
        request=FeasibilityRequest.objects.select_related("sponsor").get(pk=request_id)
    )


@shared_task(name="trials.tasks.feasibility_notify_routed", **MAIL_RETRY)
def feasibility_notify_routed(request_id: int, response_ids: list[int]) -> int:
    """E-mail each organisation a new request was routed to."""
    request = FeasibilityRequest.objects.select_related("sponsor", "hrcs_category").get(
        pk=request_id
    )
    responses = list(
        FeasibilityResponse.objects.filter(pk__in=response_ids).select_related("organisation")
    )
    return feasibility_mail.send_routed(request=request, responses=responses)


@shared_task(name="trials.tasks.feasibility_send_reminders", acks_late=True)
def feasibility_send_reminders() -> int:
    """Daily: remind organisations that have not answered as the deadline nears (idempotent)."""

    return feasibility.feasibility_send_reminders()


@shared_task(name="trials.tasks.feasibility_compile", acks_late=True, **MAIL_RETRY)
def feasibility_compile(request_id: int) -> bool:
    """Send the compiled answer to the sponsor (at most once)."""

    return feasibility.feasibility_request_compile(request_id=request_id)


@shared_task(name="trials.tasks.feasibility_compile_due", acks_late=True)
def feasibility_compile_due() -> int:
    """Daily: compile and send every request whose deadline has come (idempotent)."""

    due = feasibility.feasibility_requests_due(today=timezone.localdate())
    return sum(
        feasibility.feasibility_request_compile(request_id=pk)
        for pk in due.values_list("pk", flat=True)
    )


@shared_task(name="trials.tasks.feasibility_notify_outcome", **MAIL_RETRY)
def feasibility_notify_outcome(request_id: int) -> int:
    """Tell organisations whether they were chosen or released."""

    return feasibility_mail.send_outcome(request=FeasibilityRequest.objects.get(pk=request_id))


@shared_task(name="trials.tasks.milestone_send_overdue_reminders", acks_late=True)
def milestone_send_overdue_reminders() -> int:
    """Daily: remind agreement contacts of overdue milestones (claimed, so idempotent)."""

    return agreements.milestone_send_overdue_reminders()
