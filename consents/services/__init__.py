"""Writes and business rules for participants, enrolments, consent, reservations and the export."""

from .consent import consent_give, consent_give_check, consent_withdraw, consent_withdraw_check
from .consent_forms import consent_form_check, consent_form_save
from .enrolments import (
    enrolment_check,
    enrolment_create,
    enrolment_end,
    enrolment_end_check,
    enrolment_reopen,
    enrolment_reopen_check,
    study_requires_consent,
)
from .participants import (
    export_pseudonym_for,
    participant_erase,
    participant_erase_due,
    participant_pseudonym,
    participant_register,
    participant_request_erasure,
    participant_update,
    participant_update_check,
    pseudonym_for,
)
from .reservations import reservation_lift, reservation_register

__all__ = [
    "consent_form_check",
    "consent_form_save",
    "consent_give",
    "consent_give_check",
    "consent_withdraw",
    "consent_withdraw_check",
    "enrolment_check",
    "enrolment_create",
    "enrolment_end",
    "enrolment_end_check",
    "enrolment_reopen",
    "enrolment_reopen_check",
    "export_pseudonym_for",
    "participant_erase",
    "participant_erase_due",
    "participant_pseudonym",
    "participant_register",
    "participant_request_erasure",
    "participant_update",
    "participant_update_check",
    "pseudonym_for",
    "reservation_lift",
    "reservation_register",
    "study_requires_consent",
]
