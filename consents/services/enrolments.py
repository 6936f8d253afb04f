"""Enrolments: a participant included in a study at a site, with the rules that guard inclusion."""

import datetime as dt
import logging

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sites.history import save_with_history
from sites.locking import stale_error
from trials.models import Study, StudySite

from ..models import ConsentEvent, Enrolment, Participant
from ..selectors import (
    ConsentState,
    consent_latest_time,
    consent_state,
    consent_valid_since,
    study_requires_consent,
)
from .consent import consent_withdraw

logger = logging.getLogger(__name__)


def _consent_missing(*, participant: Participant, study: Study) -> str | None:
    """Why the participant has no valid consent to the study (None: valid, or none needed)."""
    if not study_requires_consent(study):
        return None
    state = consent_state(participant=participant, study=study)
    if state == ConsentState.VALID:
        return None
    if state == ConsentState.SUPERSEDED:
        return _(
            "Deltakeren har samtykket på en skjemaversjon som er erstattet av en nyere. Registrer "
            "nytt samtykke på gjeldende versjon først."
        )
    return _("Deltakeren har ikke gitt gyldig samtykke til denne studien.")


def enrolment_check(*, participant: Participant, site: StudySite, included_on: dt.date) -> None:
    """Raise a ValidationError with every reason the inclusion is refused."""
    study = site.study
    errors = [
        *_participant_refusals(participant=participant, included_on=included_on),
        *_approval_refusals(study=study, included_on=included_on),
        *_site_refusals(site=site, included_on=included_on),
        *_consent_refusals(participant=participant, study=study, included_on=included_on),
    ]
    if (
        participant.pk
        and Enrolment.objects.filter(
            participant=participant, study=study, status=Enrolment.Status.INCLUDED
        ).exists()
    ):
        errors.append(_("Deltakeren er allerede inkludert i denne studien."))
    if errors:
        raise ValidationError(errors)


def _participant_refusals(*, participant: Participant, included_on: dt.date) -> list[str]:
    errors = []
    if participant.erased_at or participant.erasure_due_on:
        errors.append(_("Deltakeren har bedt om sletting og kan ikke inkluderes."))
    if included_on > timezone.localdate():
        errors.append(_("Inklusjonsdatoen kan ikke være fram i tid."))
    return errors


def _approval_refusals(*, study: Study, included_on: dt.date) -> list[str]:
    approvals = [d for d in (study.rek_approved_on, study.dmp_approved_on) if d]
    if not study.rek_approved_on:
        return [_("Studien er ikke godkjent av REK; ingen kan inkluderes ennå.")]
    if included_on < max(approvals):
        return [
            _("Inklusjonsdatoen %(d)s er før studien ble godkjent (%(a)s).")
            % {"d": included_on, "a": max(approvals)}
        ]
    return []


def _site_refusals(*, site: StudySite, included_on: dt.date) -> list[str]:
    errors = []
    if site.status != StudySite.Status.OPEN:
        errors.append(_("Studiestedet er ikke åpent for inklusjon."))
    if site.activated_on is None:
        errors.append(_("Studiestedet er ikke aktivert."))
    elif included_on < site.activated_on:
        errors.append(
            _("Inklusjonsdatoen %(d)s er før studiestedet ble aktivert (%(a)s).")
            % {"d": included_on, "a": site.activated_on}
        )
    return errors


def _consent_refusals(*, participant: Participant, study: Study, included_on: dt.date) -> list[str]:
    missing = _consent_missing(participant=participant, study=study)
    if missing:
        return [missing]
    if study_requires_consent(study):
        since = consent_valid_since(participant=participant, study=study)
        if since is not None and included_on < timezone.localdate(since):
            return [
                _("Inklusjonsdatoen er før samtykket ble gitt (%(d)s).")
                % {"d": _day(timezone.localdate(since))}
            ]
    return []


@transaction.atomic
def enrolment_create(
    *,
    participant: Participant,
    site: StudySite,
    included_on: dt.date,
    user: User | None = None,
) -> Enrolment:
    """Include a participant in a study at a site, or refuse with the reasons."""
    site = StudySite.objects.select_related("study").get(pk=site.pk)
    enrolment_check(participant=participant, site=site, included_on=included_on)
    enrolment = Enrolment(
        participant=participant, study=site.study, site=site, included_on=included_on
    )
    try:
        with transaction.atomic():
            save_with_history(enrolment, user=user, reason=_("Inkludert"))
    except IntegrityError as exc:  # A concurrent inclusion won the race (one active per study).
        raise ValidationError(_("Deltakeren er allerede inkludert i denne studien.")) from exc
    logger.info("enrolment created: id=%s study=%s", enrolment.pk, site.study_id)
    return enrolment


ENDED = (Enrolment.Status.COMPLETED, Enrolment.Status.WITHDRAWN, Enrolment.Status.LOST)


def _day(value: dt.date) -> str:
    return f"{value:%d.%m.%Y}"


def enrolment_end_check(
    *,
    enrolment: Enrolment,
    status: str,
    ended_on: dt.date | None,
    withdrawal_scope: str = "",
    today: dt.date | None = None,
) -> None:
    """The rules for ending an enrolment (or correcting how it ended), without writing.

    ``enrolment`` is the row as stored. Errors name the field they concern, so a form shows them
    in place. A completed or lost enrolment may be corrected; a withdrawal is final (it is in the
    consent ledger) and is only undone by ``enrolment_reopen`` after new consent.
    """
    today = today or timezone.localdate()
    _refuse_end_status(enrolment=enrolment, status=status)
    errors: dict[str, str] = {}
    if ended_on is None:
        errors["ended_on"] = _("Oppgi datoen inklusjonen ble avsluttet.")
    elif ended_on < enrolment.included_on:
        errors["ended_on"] = _("Sluttdato kan ikke være før inklusjonsdato (%(d)s).") % {
            "d": _day(enrolment.included_on)
        }
    elif ended_on > today:
        errors["ended_on"] = _("Sluttdato kan ikke være fram i tid.")
    if status == Enrolment.Status.WITHDRAWN:
        if withdrawal_scope not in ConsentEvent.Scope.values:
            errors["withdrawal_scope"] = _("Velg hva tilbaketrekkingen omfatter.")
        latest = consent_latest_time(participant=enrolment.participant, study=enrolment.study)
        if (
            ended_on is not None
            and "ended_on" not in errors
            and latest is not None
            and timezone.localdate(latest) > ended_on
        ):
            errors["ended_on"] = _(
                "Samtykket ble sist registrert %(d)s; tilbaketrekkingen kan ikke være før det."
            ) % {"d": _day(timezone.localdate(latest))}
    if errors:
        raise ValidationError(errors)


def _refuse_end_status(*, enrolment: Enrolment, status: str) -> None:
    """An enrolment ends as completed, withdrawn or lost; a withdrawal is final."""
    if status not in ENDED:
        raise ValidationError(
            {"status": _("Velg fullført, trukket seg eller tapt for oppfølging.")}
        )
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise ValidationError(
            {
                "status": _(
                    "Inklusjonen ble avsluttet fordi samtykket ble trukket, og kan ikke endres. "
                    "Er det registrert nytt samtykke, kan inklusjonen gjenåpnes."
                )
            }
        )
    if enrolment.status != Enrolment.Status.INCLUDED and status == Enrolment.Status.WITHDRAWN:
        raise ValidationError(
            {
                "status": _(
                    "Inklusjonen er allerede avsluttet. Registrer tilbaketrekkingen av samtykket "
                    "i samtykkeprotokollen."
                )
            }
        )


def _withdrawal_moment(ended_on: dt.date, *, latest: dt.datetime | None) -> dt.datetime:
    """When a withdrawal entered with only a date happened: now if today, else noon that day, and
    never before the latest time recorded for the consent (that day's consent came first)."""
    now = timezone.now()
    if ended_on >= timezone.localdate(now):
        moment = now
    else:
        moment = timezone.make_aware(dt.datetime.combine(ended_on, dt.time(12)))
    return max(moment, latest) if latest is not None else moment


def _check_version(enrolment: Enrolment, expected_version: int | None) -> None:
    current = getattr(enrolment, "version", None)
    if expected_version is not None and current is not None and current != expected_version:
        raise stale_error(enrolment)


@transaction.atomic
def enrolment_end(
    *,
    enrolment: Enrolment,
    status: str,
    ended_on: dt.date,
    reason: str = "",
    user: User | None = None,
    change_reason: str = "",
    withdrawal_scope: str = "",
    withdrawal_reason: str = "",
    expected_version: int | None = None,
) -> Enrolment:
    """End an enrolment as completed, lost to follow-up or withdrawn, or correct how it ended.

    ``reason`` is the reason for ending (shown on the enrolment); ``change_reason`` goes to the
    history (default: ``reason``). Withdrawn is a withdrawal of consent: it is recorded in the
    consent ledger with ``withdrawal_scope`` (and the reason code), and the ledger ends the
    enrolment, so the participant leaves the register export at once.
    """
    current = (
        Enrolment.objects.select_for_update()
        .select_related("participant", "study")
        .get(pk=enrolment.pk)
    )
    _check_version(current, expected_version)
    enrolment_end_check(
        enrolment=current, status=status, ended_on=ended_on, withdrawal_scope=withdrawal_scope
    )
    if status == Enrolment.Status.WITHDRAWN:
        consent_withdraw(
            participant=current.participant,
            study=current.study,
            scope=withdrawal_scope,
            reason=withdrawal_reason or ConsentEvent.Reason.NOT_GIVEN,
            occurred_at=_withdrawal_moment(
                ended_on,
                latest=consent_latest_time(participant=current.participant, study=current.study),
            ),
            user=user,
        )
        current.refresh_from_db()
        logger.info("enrolment withdrawn: id=%s study=%s", current.pk, current.study_id)
        return current
    current.status, current.ended_on, current.end_reason = status, ended_on, reason
    current.full_clean()
    saved = save_with_history(
        current,
        user=user,
        reason=change_reason or reason or str(Enrolment.Status(status).label),
    )
    logger.info("enrolment ended: id=%s status=%s", saved.pk, status)
    return saved


def enrolment_reopen_check(*, enrolment: Enrolment) -> None:
    """The rules for setting an ended enrolment back to included, without writing.

    A person is included again only with valid consent (always after a withdrawal, and in every
    study that requires consent), so a withdrawn person never goes back into the register export.
    """
    if enrolment.status == Enrolment.Status.INCLUDED:
        raise ValidationError({"status": _("Inklusjonen er ikke avsluttet.")})
    participant, study = enrolment.participant, enrolment.study
    errors: list[str] = []
    if participant.erased_at or participant.erasure_due_on:
        errors.append(_("Deltakeren har bedt om sletting og kan ikke inkluderes."))
    needs_consent = enrolment.status == Enrolment.Status.WITHDRAWN or study_requires_consent(study)
    state = consent_state(participant=participant, study=study)
    if needs_consent and state == ConsentState.SUPERSEDED:
        errors.append(
            _(
                "Deltakeren har samtykket på en skjemaversjon som er erstattet av en nyere. "
                "Registrer nytt samtykke på gjeldende versjon før inklusjonen gjenåpnes."
            )
        )
    elif needs_consent and state != ConsentState.VALID:
        errors.append(
            _(
                "Deltakeren har ikke gyldig samtykke til denne studien. Registrer nytt samtykke "
                "før inklusjonen gjenåpnes."
            )
        )
    if (
        Enrolment.objects.filter(
            participant=participant, study=study, status=Enrolment.Status.INCLUDED
        )
        .exclude(pk=enrolment.pk)
        .exists()
    ):
        errors.append(_("Deltakeren er allerede inkludert i denne studien."))
    if errors:
        raise ValidationError({"status": errors})


@transaction.atomic
def enrolment_reopen(
    *,
    enrolment: Enrolment,
    user: User | None,
    reason: str,
    expected_version: int | None = None,
) -> Enrolment:
    """Set an ended enrolment back to included (end date and reason cleared), or refuse why."""
    current = (
        Enrolment.objects.select_for_update()
        .select_related("participant", "study")
        .get(pk=enrolment.pk)
    )
    _check_version(current, expected_version)
    enrolment_reopen_check(enrolment=current)
    current.status, current.ended_on, current.end_reason = Enrolment.Status.INCLUDED, None, ""
    current.full_clean()
    try:
        with transaction.atomic():
            saved = save_with_history(
                current, user=user, reason=reason or _("Inklusjonen ble gjenåpnet.")
            )
    except IntegrityError as exc:  # A concurrent inclusion in the same study won the race.
        raise ValidationError(_("Deltakeren er allerede inkludert i denne studien.")) from exc
    logger.info("enrolment reopened: id=%s study=%s", saved.pk, saved.study_id)
    return saved
