"""Writes for industry agreements and milestones: cancelling, and overdue-milestone reminders."""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Agreement, Milestone
from ..selectors.agreements import milestone_overdue_queryset

REMIND_EVERY_DAYS = 7
"""An overdue milestone is reminded when it first becomes overdue, then once a week."""


@transaction.atomic
def agreement_cancel(*, agreement: Agreement, on: dt.date, reason: str, user=None) -> Agreement:
    if agreement.status in (Agreement.Status.CANCELLED, Agreement.Status.COMPLETED):
        raise ValidationError(_("Avtalen er allerede avsluttet eller kansellert."))
    agreement.status = Agreement.Status.CANCELLED
    agreement.cancelled_on = on
    agreement.cancellation_reason = reason
    agreement.full_clean()
    agreement._change_reason = _("Avtalen ble kansellert.")
    agreement.save()
    return agreement


def milestone_send_overdue_reminders(*, now: dt.datetime | None = None) -> int:
    """One e-mail per agreement contact (copy to NorTrials) listing its overdue milestones.

    Milestones are claimed with a conditional update before sending. Returns milestones reminded.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    stale = now - dt.timedelta(days=REMIND_EVERY_DAYS)
    due_ids = list(
        milestone_overdue_queryset(today=today)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=stale))
        .values_list("pk", flat=True)
    )
    if not due_ids:
        return 0
    with transaction.atomic():
        claimed = Milestone.objects.filter(
            Q(reminded_at__isnull=True) | Q(reminded_at__lte=stale), pk__in=due_ids
        )
        ids = list(claimed.select_for_update().values_list("pk", flat=True))
        Milestone.objects.filter(pk__in=ids).update(reminded_at=now)
        by_recipient: dict[str, list[Milestone]] = defaultdict(list)
        for m in (
            milestone_overdue_queryset(today=today)
            .filter(pk__in=ids)
            .order_by("agreement__organisation__name", "planned_on", "pk")
        ):
            by_recipient[m.agreement.contact_email or settings.NORTRIALS_EMAIL].append(m)
        with get_connection() as connection:
            for to, milestones in sorted(by_recipient.items()):
                lines = [
                    f"- {m.agreement.organisation.name}: {m.agreement.study.scientific_title} "
                    f"({m.agreement.sponsor.name}) – {m.get_kind_display()}, planlagt "
                    f"{m.planned_on:%d.%m.%Y} ({(today - m.planned_on).days} dager siden)"
                    for m in milestones
                ]
                EmailMessage(
                    subject=_("Forfalte milepæler i industriavtaler (%(n)s)") % {"n": len(lines)},
                    body="\n".join(
                        [_("Disse milepælene er passert uten å være registrert som nådd:"), ""]
                        + lines
                    ),
                    to=[to],
                    cc=[settings.NORTRIALS_EMAIL] if to != settings.NORTRIALS_EMAIL else [],
                    connection=connection,
                ).send()
    return len(ids)
