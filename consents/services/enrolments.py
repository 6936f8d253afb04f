"""Enrolments: a participant included in a study at a site, with the rules that guard inclusion."""

import datetime as dt
import logging

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sites.history import save_with_history
from trials.models import Enrolment, Study, StudySite

from ..models import Participant
from ..selectors import consent_is_active

logger = logging.getLogger(__name__)


def study_requires_consent(study: Study) -> bool:
    """Registry-based studies use data under a legal basis other than consent; all others need it."""
    return study.category != Study.Category.REGISTRY


def enrolment_check(*, participant: Participant, site: StudySite, included_on: dt.date) -> None:
    """Raise a ValidationError with every reason the inclusion is refused."""
    study = site.study
    errors: list[str] = []
    if participant.erased_at or participant.erasure_due_on:
        errors.append(_("Deltakeren har bedt om sletting og kan ikke inkluderes."))
    if included_on > timezone.localdate():
        errors.append(_("Inklusjonsdatoen kan ikke være fram i tid."))
    approvals = [d for d in (study.rek_approved_on, study.dmp_approved_on) if d]
    if not study.rek_approved_on:
        errors.append(_("Studien er ikke godkjent av REK; ingen kan inkluderes ennå."))
    elif included_on < max(approvals):
        errors.append(
            _("Inklusjonsdatoen %(d)s er før studien ble godkjent (%(a)s).")
            % {"d": included_on, "a": max(approvals)}
        )
    if site.status != StudySite.Status.OPEN:
        errors.append(_("Studiestedet er ikke åpent for inklusjon."))
    if site.activated_on is None:
        errors.append(_("Studiestedet er ikke aktivert."))
    elif included_on < site.activated_on:
        errors.append(
            _("Inklusjonsdatoen %(d)s er før studiestedet ble aktivert (%(a)s).")
            % {"d": included_on, "a": site.activated_on}
        )
    if study_requires_consent(study) and not consent_is_active(
        participant=participant, study=study
    ):
        errors.append(_("Deltakeren har ikke gitt gyldig samtykke til denne studien."))
    if (
        participant.pk
        and Enrolment.objects.filter(
            participant=participant, study=study, status=Enrolment.Status.INCLUDED
        ).exists()
    ):
        errors.append(_("Deltakeren er allerede inkludert i denne studien."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def enrolment_create(
    *,
    participant: Participant,
    site: StudySite,
    included_on: dt.date,
    user: AbstractBaseUser | None = None,
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


@transaction.atomic
def enrolment_end(
    *,
    enrolment: Enrolment,
    status: str,
    ended_on: dt.date,
    reason: str = "",
    user: AbstractBaseUser | None = None,
) -> Enrolment:
    """End an enrolment as completed or lost to follow-up (withdrawal goes through consent)."""
    if status not in (Enrolment.Status.COMPLETED, Enrolment.Status.LOST):
        raise ValidationError(_("Bruk tilbaketrekking av samtykke for å avslutte som trukket."))
    if enrolment.status != Enrolment.Status.INCLUDED:
        raise ValidationError(_("Inklusjonen er allerede avsluttet."))
    enrolment.status, enrolment.ended_on, enrolment.end_reason = status, ended_on, reason
    enrolment.full_clean()
    return save_with_history(
        enrolment, user=user, reason=reason or str(Enrolment.Status(status).label)
    )
