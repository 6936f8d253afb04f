"""Writes for industry agreements and milestones: registering and changing them (a cancelled
agreement and its milestones are frozen), cancelling, milestones met or missed, and
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

from sites.history import delete_with_history, save_with_history, update_with_history

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


def _stored_status(pk: int | None) -> str | None:
    if pk is None:
        return None
    return Agreement.objects.filter(pk=pk).values_list("status", flat=True).first()


def _refuse_if_cancelled(pk: int | None) -> None:
    if _stored_status(pk) == Agreement.Status.CANCELLED:
        raise ValidationError(
            _("Avtalen er kansellert; verken avtalen eller milepælene kan endres.")
        )


def agreement_check_editable(*, agreement: Agreement | None) -> None:
    """A cancelled agreement is frozen: nothing on it or on its milestones may change.

    Reads the stored status, so an agreement whose form says otherwise is still refused.
    """
    _refuse_if_cancelled(agreement.pk if agreement is not None else None)


def agreement_save_check(*, agreement: Agreement) -> None:
    """The rules for registering or changing an agreement from a form (no writing)."""
    agreement_check_editable(agreement=agreement)
    stored = _stored_status(agreement.pk)
    errors: dict[str, str] = {}
    if agreement.status == Agreement.Status.CANCELLED and stored != Agreement.Status.CANCELLED:
        errors["status"] = _(
            "Bruk handlingen «Kanseller valgte avtaler» for å kansellere (med dato og årsak)."
        )
    elif agreement.status != Agreement.Status.CANCELLED and (
        agreement.cancelled_on or agreement.cancellation_reason
    ):
        errors["cancelled_on"] = _(
            "Kanselleringsdato og årsak settes bare når avtalen kanselleres."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def agreement_save(
    *,
    agreement: Agreement,
    user=None,
    reason: str = "",
    expected_version: int | None = None,
) -> Agreement:
    """Register an agreement, or change one that is not cancelled (cancelling is ``agreement_cancel``)."""
    creating = agreement.pk is None
    if not creating:  # lock the stored row while checking it
        list(Agreement.objects.select_for_update().filter(pk=agreement.pk).values_list("pk"))
    agreement_save_check(agreement=agreement)
    agreement.full_clean()
    return save_with_history(
        agreement,
        user=user,
        reason=reason or (_("Avtalen ble registrert.") if creating else _("Avtalen ble endret.")),
        expected_version=expected_version,
    )


def milestone_check(*, milestone: Milestone, today: dt.date | None = None) -> None:
    """The rules for a milestone saved from a form (no writing): the same as the actions'.

    ``milestone`` carries the new values. Nothing on a cancelled agreement changes (neither the
    agreement the milestone is on nor one it is moved to); a milestone met has a date, and that
    date is not in the future; "not met" only once the planned date has passed.
    """
    today = today or timezone.localdate()
    stored = Milestone.objects.filter(pk=milestone.pk).first() if milestone.pk else None
    if stored is not None:
        _refuse_if_cancelled(stored.agreement_id)
    _refuse_if_cancelled(milestone.agreement_id)
    errors: dict[str, str] = {}
    if milestone.status == Milestone.Status.MET and milestone.actual_on is None:
        errors["actual_on"] = _("Oppgi datoen milepælen ble nådd.")
    if milestone.actual_on is not None and milestone.actual_on > today:
        errors["actual_on"] = _("Datoen milepælen ble nådd kan ikke være i fremtiden.")
    was_missed = stored is not None and stored.status == Milestone.Status.MISSED
    if (
        milestone.status == Milestone.Status.MISSED
        and not was_missed
        and milestone.planned_on
        and milestone.planned_on >= today
    ):
        errors["status"] = _("Den planlagte datoen (%(d)s) er ikke passert ennå.") % {
            "d": f"{milestone.planned_on:%d.%m.%Y}"
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def milestone_save(
    *,
    milestone: Milestone,
    user=None,
    reason: str = "",
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Milestone:
    """Add or change a milestone from a form, with the rules of ``milestone_check``."""
    creating = milestone.pk is None
    if milestone.agreement_id:  # lock the agreement: it may not be cancelled while we save
        list(
            Agreement.objects.select_for_update()
            .filter(pk=milestone.agreement_id)
            .values_list("pk")
        )
    milestone_check(milestone=milestone, today=today)
    milestone.full_clean()
    return save_with_history(
        milestone,
        user=user,
        reason=reason
        or (_("Milepælen ble registrert.") if creating else _("Milepælen ble endret.")),
        expected_version=expected_version,
    )


@transaction.atomic
def milestone_delete(*, milestone: Milestone, user=None, reason: str = "") -> None:
    """Remove a milestone from an agreement that is not cancelled (the history keeps it)."""
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    _refuse_if_cancelled(milestone.agreement_id)
    delete_with_history(milestone, user=user, reason=reason or _("Milepælen ble fjernet."))


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
