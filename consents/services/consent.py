"""Consent: given on a form version, withdrawn with a scope. Every event is appended to the ledger."""

import datetime as dt
import logging

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sites.history import save_with_history
from sites.operations.services import task_enqueue
from trials.models import Study

from ..models import ConsentEvent, ConsentForm, Enrolment, IntegrationClient, Participant
from ..selectors import (
    CONSENT_CLOCK_SKEW,
    consent_current_event,
    consent_form_effective,
    consent_latest_time,
)
from .participants import participant_request_erasure

logger = logging.getLogger(__name__)

_ACTIVE = (ConsentEvent.Kind.GIVEN, ConsentEvent.Kind.RECONSENTED)


def _check_not_erased(participant: Participant) -> None:
    if participant.erased_at or participant.erasure_due_on:
        raise ValidationError(_("Deltakeren har bedt om sletting og kan ikke registreres på nytt."))


def _moment(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%d.%m.%Y kl. %H:%M}"


def consent_order_check(
    *, participant: Participant, study: Study, occurred_at: dt.datetime
) -> None:
    """An event may not be dated more than CONSENT_CLOCK_SKEW before the latest time already
    recorded for the consent (participant × study): a back-dated withdrawal or consent is refused,
    never quietly filed behind what came after it. Within the skew, recording order decides."""
    latest = consent_latest_time(participant=participant, study=study)
    if latest is not None and occurred_at < latest - CONSENT_CLOCK_SKEW:
        raise ValidationError(
            {
                "occurred_at": _(
                    "Tidspunktet er før siste registrerte hendelse for dette samtykket "
                    "(%(latest)s). En hendelse kan ikke tilbakedateres forbi det som alt er "
                    "registrert; oppgi tidspunktet den ble mottatt."
                )
                % {"latest": _moment(latest)}
            },
            code="consent_back_dated",
        )


def consent_give_check(
    *, participant: Participant, form: ConsentForm, occurred_at: dt.datetime
) -> None:
    """The rules for recording consent, without writing (forms call it to show errors in place)."""
    _check_not_erased(participant)
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("Tidspunktet kan ikke være fram i tid.")})
    consent_order_check(participant=participant, study=form.study, occurred_at=occurred_at)
    day = timezone.localdate(occurred_at)
    if form.effective_from > day:
        raise ValidationError(
            {
                "form": _("Skjemaversjon %(v)s gjelder først fra %(d)s.")
                % {"v": form.version_label, "d": form.effective_from}
            }
        )
    current_form = consent_form_effective(study=form.study, language=form.language, on=day)
    if current_form is not None and current_form.pk != form.pk:
        raise ValidationError(
            {
                "form": _("Skjemaversjon %(v)s er erstattet av %(new)s.")
                % {"v": form.version_label, "new": current_form.version_label}
            }
        )


@transaction.atomic
def consent_give(
    *,
    participant: Participant,
    form: ConsentForm,
    channel: str,
    occurred_at: dt.datetime,
    user: User | None = None,
    client: IntegrationClient | None = None,
) -> ConsentEvent:
    """Record consent on a form version. A later version after an earlier consent is a re-consent."""
    _lock_consent(participant)
    consent_give_check(participant=participant, form=form, occurred_at=occurred_at)
    current = consent_current_event(participant=participant, study=form.study)
    if current is not None and current.kind in (
        ConsentEvent.Kind.GIVEN,
        ConsentEvent.Kind.RECONSENTED,
    ):
        if current.form_id == form.pk:
            return current  # Already consented on this version: nothing new to record.
        kind = ConsentEvent.Kind.RECONSENTED
    else:
        kind = ConsentEvent.Kind.GIVEN
    event = ConsentEvent(
        participant=participant,
        study=form.study,
        form=form,
        kind=kind,
        channel=channel,
        occurred_at=occurred_at,
        recorded_by=user,
        recorded_via=client,
    )
    event.full_clean()
    save_with_history(event, user=user, reason=_ledger_reason(event, client))
    logger.info("consent %s: participant=%s study=%s", kind, participant.pk, form.study_id)
    return event


def _lock_consent(participant: Participant) -> None:
    """One writer at a time per person, so the order check and the event it admits agree."""
    if participant.pk is not None:
        Participant.objects.select_for_update().filter(pk=participant.pk).exists()


def _ledger_reason(event: ConsentEvent, client: IntegrationClient | None) -> str:
    """The history's reason for a ledger row: what happened, and through which system."""
    label = str(event.get_kind_display())
    return _("%(what)s via %(client)s") % {"what": label, "client": client} if client else label


def _withdraw_rules(*, has_consent: bool, has_enrolment: bool, occurred_at: dt.datetime) -> None:
    if not has_consent and not has_enrolment:
        raise ValidationError(_("Deltakeren har ikke noe gjeldende samtykke i denne studien."))
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("Tidspunktet kan ikke være fram i tid.")})


def consent_withdraw_check(
    *, participant: Participant, study: Study, occurred_at: dt.datetime
) -> None:
    """The rules for a withdrawal, without writing (forms call it to show errors in place)."""
    consent_order_check(participant=participant, study=study, occurred_at=occurred_at)
    current = consent_current_event(participant=participant, study=study)
    has_enrolment = (
        participant.pk is not None
        and Enrolment.objects.filter(
            participant=participant, study=study, status=Enrolment.Status.INCLUDED
        ).exists()
    )
    _withdraw_rules(
        has_consent=current is not None and current.kind in _ACTIVE,
        has_enrolment=has_enrolment,
        occurred_at=occurred_at,
    )


@transaction.atomic
def consent_withdraw(
    *,
    participant: Participant,
    study: Study,
    scope: str,
    occurred_at: dt.datetime,
    reason: str = ConsentEvent.Reason.NOT_GIVEN,
    user: User | None = None,
    client: IntegrationClient | None = None,
) -> ConsentEvent:
    """Withdraw consent. Takes effect at once: the enrolment ends, the export leaves the participant
    out, and a deletion request schedules erasure within the configured deadline."""
    _lock_consent(participant)
    current = consent_current_event(participant=participant, study=study)
    active_enrolment = (
        Enrolment.objects.select_for_update()
        .filter(participant=participant, study=study, status=Enrolment.Status.INCLUDED)
        .select_related("site")
        .first()
    )
    has_consent = current is not None and current.kind in (
        ConsentEvent.Kind.GIVEN,
        ConsentEvent.Kind.RECONSENTED,
    )
    _withdraw_rules(
        has_consent=has_consent, has_enrolment=active_enrolment is not None, occurred_at=occurred_at
    )
    consent_order_check(participant=participant, study=study, occurred_at=occurred_at)
    event = ConsentEvent(
        participant=participant,
        study=study,
        kind=ConsentEvent.Kind.WITHDRAWN,
        scope=scope,
        reason=reason or ConsentEvent.Reason.NOT_GIVEN,
        occurred_at=occurred_at,
        recorded_by=user,
        recorded_via=client,
    )
    event.full_clean()
    save_with_history(event, user=user, reason=_ledger_reason(event, client))
    day = timezone.localdate(occurred_at)
    if active_enrolment is not None:
        active_enrolment.status = Enrolment.Status.WITHDRAWN
        active_enrolment.ended_on = max(day, active_enrolment.included_on)
        active_enrolment.end_reason = str(ConsentEvent.Scope(scope).label)
        active_enrolment.full_clean()
        save_with_history(active_enrolment, user=user, reason=_("Samtykke trukket"))
        task_enqueue(
            task_name="consents.tasks.notify_site_of_withdrawal", kwargs={"event_id": event.pk}
        )
    if scope == ConsentEvent.Scope.DELETE_DATA:
        participant_request_erasure(participant=participant, today=timezone.localdate())
    logger.info(
        "consent withdrawn: participant=%s study=%s scope=%s", participant.pk, study.pk, scope
    )
    return event
