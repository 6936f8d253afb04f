"""Writes and business rules for participants, enrolments, consent, reservations and the export."""

from .consent import consent_give, consent_give_check, consent_withdraw, consent_withdraw_check
from .enrolments import enrolment_check, enrolment_create, enrolment_end, study_requires_consent
from .participants import (
    export_pseudonym_for,
    participant_erase,
    participant_erase_due,
    participant_pseudonym,
    participant_register,
    participant_request_erasure,
    pseudonym_for,
)
from .reservations import reservation_lift, reservation_register

__all__ = [
    "consent_give",
    "consent_give_check",
    "consent_withdraw",
    "consent_withdraw_check",
    "enrolment_check",
    "enrolment_create",
    "enrolment_end",
    "export_pseudonym_for",
    "participant_erase",
    "participant_erase_due",
    "participant_pseudonym",
    "participant_register",
    "participant_request_erasure",
    "pseudonym_for",
    "reservation_lift",
    "reservation_register",
    "study_requires_consent",
]
