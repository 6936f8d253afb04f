"""Thin Celery tasks: they take ids (never personal data) and call services."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ConsentEvent, Enrolment
from .services import participant_erase_due
from .services.export import (
    participation_export,
    participation_export_reconcile,
    previous_period,
)

logger = logging.getLogger(__name__)


@shared_task(time_limit=30 * 60, soft_time_limit=25 * 60, acks_late=True)
def export_participation_monthly(period: str | None = None) -> dict:
    """Export last month's participation to the register as batches (idempotent: same data, same
    files and batch ids), then reconcile; a difference (a change committed during the run, a
    file touched by hand) is logged as an error and counted in the result."""
    result = participation_export(period=period or previous_period(timezone.localdate()))
    report = participation_export_reconcile(period=result.period)
    if not report.ok:
        logger.error(
            "participation export %s: %s differences after the run (%s)",
            result.period,
            len(report.differences),
            ", ".join(sorted(report.kinds())),
        )
    return {
        "period": result.period,
        "rows": result.rows,
        "files": result.files,
        "batches": [str(batch.batch_id) for batch in result.batches],
        "removed": result.removed,
        "differences": len(report.differences),
    }


@shared_task(time_limit=10 * 60, soft_time_limit=9 * 60, acks_late=True)
def erase_due_participants() -> int:
    return participant_erase_due(today=timezone.localdate())


@shared_task(bind=True, time_limit=60, soft_time_limit=50, acks_late=False, max_retries=6)
def notify_site_of_withdrawal(self, event_id: int) -> int:
    """Tell the site's contact that a participant withdrew; the message names no person."""
    event = ConsentEvent.objects.select_related("study").get(pk=event_id)
    enrolment = (
        Enrolment.objects.filter(participant_id=event.participant_id, study_id=event.study_id)
        .select_related("site__organisation")
        .order_by("-id")
        .first()
    )
    if enrolment is None or not enrolment.site.contact_email:
        return 0
    body = _(
        "En deltaker har trukket samtykket i studien «%(study)s» (%(id)s) ved %(site)s.\n"
        "Inklusjon nr. %(enrolment)s er avsluttet. Omfang: %(scope)s.\n"
        "Se samtykkeprotokollen i porteføljesystemet."
    ) % {
        "study": event.study,
        "id": event.study.public_id,
        "site": enrolment.site.organisation.name,
        "enrolment": enrolment.pk,
        "scope": event.get_scope_display(),
    }
    try:
        return send_mail(
            _("Samtykke trukket i %(id)s") % {"id": event.study.public_id},
            body,
            settings.DEFAULT_FROM_EMAIL,
            [enrolment.site.contact_email],
        )
    except (OSError, smtplib.SMTPException) as exc:
        # The withdrawal itself is already saved; only the notice waits for the mail server.
        logger.warning("withdrawal notice for event %s not sent: %s", event_id, type(exc).__name__)
        if self.request.is_eager:
            return 0
        raise self.retry(exc=exc, countdown=300) from exc
