"""Thin Celery tasks: they take ids (never personal data) and call services."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ConsentEvent
from .services import participant_erase_due
from .services.export import participation_export, previous_period


@shared_task(time_limit=30 * 60, soft_time_limit=25 * 60, acks_late=True)
def export_participation_monthly(period: str | None = None) -> dict:
    """Export last month's participation to the register (idempotent: same data, same files)."""
    result = participation_export(period=period or previous_period(timezone.localdate()))
    return {"period": result.period, "rows": result.rows, "files": result.files}


@shared_task(time_limit=10 * 60, soft_time_limit=9 * 60, acks_late=True)
def erase_due_participants() -> int:
    return participant_erase_due(today=timezone.localdate())


@shared_task(time_limit=60, soft_time_limit=50, acks_late=False)
def notify_site_of_withdrawal(event_id: int) -> int:
    """Tell the site's contact that a participant withdrew; the message names no person."""
    from trials.models import Enrolment

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
    return send_mail(
        _("Samtykke trukket i %(id)s") % {"id": event.study.public_id},
        body,
        settings.DEFAULT_FROM_EMAIL,
        [enrolment.site.contact_email],
    )
