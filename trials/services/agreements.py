"""Writes for industry agreements and milestones: cancelling, milestones met or missed, and
overdue-milestone reminders."""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sites.history import save_with_history, update_with_history

from ..models import Agreement, Milestone
from ..selectors.agreements import milestone_overdue_queryset

REMIND_EVERY_DAYS = 7
"""An overdue milestone is reminded when it first becomes overdue, then once a week."""


ENDED = (Agreement.Status.CANCELLED, Agreement.Status.COMPLETED)


@transaction.atomic
def agreement_cancel(
    *, agreement: Agreement, on: dt.date, reason: str, user=None, today: dt.date | None = None
) -> Agreement:
    """Cancel an agreement on a date for one of the fixed reasons (counted by the indicators)."""
    today = today or timezone.localdate()
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status in ENDED:
        raise ValidationError(_("Avtalen er allerede avsluttet eller kansellert."))
    if reason not in Agreement.CancellationReason.values:
        raise ValidationError(_("Velg en årsak fra listen."))
    if on > today:
        raise ValidationError(_("Kanselleringsdatoen kan ikke være i fremtiden."))
    if agreement.received_on and on < agreement.received_on:
        raise ValidationError(
            _("Kanselleringsdatoen kan ikke være før avtalen ble mottatt (%(d)s).")
            % {"d": f"{agreement.received_on:%d.%m.%Y}"}
        )
    agreement.status = Agreement.Status.CANCELLED
    agreement.cancelled_on = on
    agreement.cancellation_reason = reason
    agreement.full_clean()
    return save_with_history(agreement, user=user, reason=_("Avtalen ble kansellert."))


def _milestone_for_update(milestone: Milestone) -> Milestone:
    milestone = (
        Milestone.objects.select_for_update().select_related("agreement").get(pk=milestone.pk)
    )
    if milestone.agreement.status == Agreement.Status.CANCELLED:
        raise ValidationError(_("Avtalen er kansellert; milepælene kan ikke endres."))
    return milestone


@transaction.atomic
def milestone_mark_met(
    *, milestone: Milestone, on: dt.date, user=None, today: dt.date | None = None
) -> Milestone:
    """Record that a milestone was reached on ``on`` (a missed one may still be reached later)."""
    today = today or timezone.localdate()
    milestone = _milestone_for_update(milestone)
    if milestone.status == Milestone.Status.WAIVED:
        raise ValidationError(_("Milepælen er bortfalt og kan ikke registreres som nådd."))
    if milestone.status == Milestone.Status.MET:
        raise ValidationError(
            _("Milepælen er allerede registrert som nådd (%(d)s).")
            % {"d": f"{milestone.actual_on:%d.%m.%Y}" if milestone.actual_on else "–"}
        )
    if on > today:
        raise ValidationError(_("Datoen milepælen ble nådd kan ikke være i fremtiden."))
    milestone.status = Milestone.Status.MET
    milestone.actual_on = on
    milestone.full_clean()
    return save_with_history(milestone, user=user, reason=_("Milepælen ble registrert som nådd."))


@transaction.atomic
def milestone_mark_missed(
    *, milestone: Milestone, user=None, today: dt.date | None = None
) -> Milestone:
    """Record that a planned milestone was not reached; only once its planned date has passed."""
    today = today or timezone.localdate()
    milestone = _milestone_for_update(milestone)
    if milestone.status != Milestone.Status.PLANNED:
        raise ValidationError(
            _("Bare planlagte milepæler kan registreres som ikke nådd (status nå: %(s)s).")
            % {"s": milestone.get_status_display()}
        )
    if milestone.planned_on >= today:
        raise ValidationError(
            _("Den planlagte datoen (%(d)s) er ikke passert ennå.")
            % {"d": f"{milestone.planned_on:%d.%m.%Y}"}
        )
    milestone.status = Milestone.Status.MISSED
    milestone.actual_on = None
    return save_with_history(
        milestone, user=user, reason=_("Milepælen ble registrert som ikke nådd.")
    )


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
        update_with_history(
            Milestone.objects.filter(pk__in=ids),
            values={"reminded_at": now},
            user=None,
            reason=_("Påminnelse om forfalt milepæl sendt."),
        )
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
