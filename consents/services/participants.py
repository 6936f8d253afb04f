"""Participants: registration by national identity number (kept only as a pseudonym) and erasure."""

import datetime as dt
import hashlib
import hmac
import logging
import secrets

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from sites.history import (
    bulk_create_with_history,
    bulk_update_with_history,
    history_rewrite,
    save_with_history,
)
from sites.models import Municipality

from ..models import ConsentEvent, Participant, Reservation
from ..national_id import national_id_validate

logger = logging.getLogger(__name__)


def pseudonym_for(number: str) -> str:
    """Keyed HMAC-SHA256 of a validated, normalised number (hex)."""
    key = settings.PSEUDONYM_KEY.encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


def export_pseudonym_for(pseudonym: str) -> str:
    """The register-export pseudonym: a second HMAC with a different key, unlinkable without both."""
    key = settings.EXPORT_PSEUDONYM_KEY.encode()
    return hmac.new(key, pseudonym.encode(), hashlib.sha256).hexdigest()


@sensitive_variables("national_id", "number")
def participant_pseudonym(*, national_id: str) -> str:
    """Validate a national identity number and return its pseudonym (raises ValidationError)."""
    number, _kind = national_id_validate(national_id)
    return pseudonym_for(number)


@sensitive_variables("national_id")
@transaction.atomic
def participant_register(
    *,
    national_id: str,
    birth_year: int | None = None,
    sex: str = Participant.Sex.UNKNOWN,
    home_municipality: Municipality | None = None,
) -> Participant:
    """Find or create the participant for a national identity number; store the pseudonym only.

    Birth year, sex and home municipality are stored as the caller gives them (never derived from
    the number). Values left out keep what is already registered.
    """
    pseudonym = participant_pseudonym(national_id=national_id)
    participant, created = Participant.objects.select_for_update().get_or_create(
        pseudonym=pseudonym,
        defaults={"birth_year": birth_year, "sex": sex, "home_municipality": home_municipality},
    )
    if not created:
        changed = []
        for name, value in (
            ("birth_year", birth_year),
            ("home_municipality", home_municipality),
        ):
            if value is not None and getattr(participant, name) != value:
                setattr(participant, name, value)
                changed.append(name)
        if sex != Participant.Sex.UNKNOWN and participant.sex != sex:
            participant.sex = sex
            changed.append("sex")
        if changed:
            participant.full_clean()
            save_with_history(
                participant,
                user=None,
                reason=_("Opplysninger oppdatert ved registrering."),
                update_fields=changed,
            )
    else:
        participant.full_clean()
    logger.info("participant %s: id=%s", "registered" if created else "found", participant.pk)
    return participant


BIRTH_YEAR_MIN = 1900
_KEEP = object()


def participant_update_check(
    *, birth_year: int | None, sex: str, today: dt.date | None = None
) -> None:
    """Plausible values for a participant: a birth year from 1900 to this year, a known sex code."""
    this_year = (today or timezone.localdate()).year
    errors: dict[str, str] = {}
    if birth_year is not None and not BIRTH_YEAR_MIN <= birth_year <= this_year:
        errors["birth_year"] = _("Fødselsåret må være mellom %(min)s og %(max)s.") % {
            "min": BIRTH_YEAR_MIN,
            "max": this_year,
        }
    if sex not in Participant.Sex.values:
        errors["sex"] = _("Velg kvinne, mann eller ukjent.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def participant_update(
    *,
    participant: Participant,
    birth_year: int | None,
    sex: str,
    user: User | None,
    reason: str,
    home_municipality: Municipality | None | object = _KEEP,
    expected_version: int | None = None,
) -> Participant:
    """Correct a participant's birth year, sex (and home municipality), with a reason.

    The history keeps who, when, why and the old and new values. An erased participant has no
    demographics left to correct.
    """
    current = Participant.objects.select_for_update().get(pk=participant.pk)
    if current.erased_at:
        raise ValidationError(_("Deltakeren er slettet; opplysningene kan ikke endres."))
    participant_update_check(birth_year=birth_year, sex=sex)
    values: dict[str, object] = {"birth_year": birth_year, "sex": sex}
    if home_municipality is not _KEEP:
        values["home_municipality"] = home_municipality
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    if not changed:
        return current
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"change_reason": _("Skriv kort hvorfor du endrer opplysningene om deltakeren.")}
        )
    for name in changed:
        setattr(current, name, values[name])
    current.full_clean()
    saved = save_with_history(current, user=user, reason=reason, expected_version=expected_version)
    logger.info("participant updated: id=%s fields=%s", saved.pk, ",".join(changed))
    return saved


@transaction.atomic
def participant_request_erasure(*, participant: Participant, today: dt.date) -> dt.date:
    """Schedule erasure of a participant's identifying data within the configured deadline."""
    due = today + dt.timedelta(days=settings.CONSENT_ERASURE_DAYS)
    if participant.erasure_due_on is None or participant.erasure_due_on > due:
        participant.erasure_due_on = due
        save_with_history(
            participant,
            user=None,
            reason=_("Sletting bestilt (samtykke trukket med sletting)."),
            update_fields=["erasure_due_on"],
        )
    return participant.erasure_due_on


@transaction.atomic
def participant_erase(*, participant: Participant) -> None:
    """Replace the pseudonym with a random value and clear the demographics; append tombstones.

    Enrolments stay, linked to the anonymous row, so counts still add up. An active reservation
    is the person's own wish and outlives the erasure: it moves to a row that keeps only the
    pseudonym.
    """
    now = timezone.now()
    pseudonym = participant.pseudonym
    reservations = list(participant.reservations.filter(lifted_at__isnull=True))
    participant.pseudonym = f"erased-{secrets.token_hex(24)}"
    participant.birth_year = None
    participant.sex = Participant.Sex.UNKNOWN
    participant.home_municipality = None
    participant.erased_at = now
    save_with_history(participant, user=None, reason=_("Slettet etter ønske."))
    keeper = None
    if reservations:
        keeper = Participant.objects.create(pseudonym=pseudonym)
        for reservation in reservations:
            reservation.participant = keeper
        bulk_update_with_history(
            reservations,
            ["participant"],
            user=None,
            reason=_("Reservasjonen består etter sletting av deltakeren."),
        )
    study_ids = set(participant.consent_events.values_list("study_id", flat=True))
    study_ids |= set(participant.enrolments.values_list("study_id", flat=True))
    bulk_create_with_history(
        [
            ConsentEvent(
                participant=participant,
                study_id=study_id,
                kind=ConsentEvent.Kind.ERASED,
                occurred_at=now,
            )
            for study_id in sorted(study_ids)
        ],
        user=None,
        reason=_("Slettet etter ønske."),
    )
    _history_scrub(participant=participant, moved=reservations, keeper=keeper)
    logger.info("participant erased: id=%s", participant.pk)


def _history_scrub(
    *, participant: Participant, moved: list[Reservation], keeper: Participant | None
) -> None:
    """Erasure reaches the history too: the old demographics leave the participant's history
    rows, and the reservations that outlive the person no longer show whose they were.

    The one rewrite of history the database allows (``sites.history.history_rewrite``); the
    consent ledger is not touched: its rows stay, linked to the anonymous participant.
    """
    with history_rewrite(why=f"erasure of participant {participant.pk}"):
        Participant.history.filter(id=participant.pk).update(
            birth_year=None, sex=Participant.Sex.UNKNOWN, home_municipality=None
        )
        if moved and keeper is not None:
            Reservation.history.filter(id__in=[r.pk for r in moved]).update(participant=keeper)


def participant_erase_due(*, today: dt.date) -> int:
    """Erase every participant whose erasure deadline has come. Returns how many."""
    due = Participant.objects.filter(erasure_due_on__lte=today, erased_at__isnull=True)
    count = 0
    for participant in due.iterator():
        participant_erase(participant=participant)
        count += 1
    return count
