"""Writes and business rules for studies and study sites.

The rules live in the modules of this package; they are re-exported here so that callers import
from ``trials.services`` whatever module a rule lives in.
"""

from .lifecycle import (
    ALLOWED_TRANSITIONS,
    APPROVED_OR_LATER,
    BulkResult,
    study_bulk_apply,
    study_close_expired_recruitment,
    study_close_for_inclusion,
    study_publish,
    study_publish_problems,
    study_transition,
    study_transition_problems,
    study_unpublish,
)
from .reference import hrcs_load
from .studies import (
    StaleStudyError,
    study_lay_review_update,
    study_reason_required,
    study_save,
    study_update,
    studysite_remove,
    studysite_update,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "APPROVED_OR_LATER",
    "BulkResult",
    "StaleStudyError",
    "hrcs_load",
    "study_bulk_apply",
    "study_close_expired_recruitment",
    "study_close_for_inclusion",
    "study_publish",
    "study_publish_problems",
    "study_lay_review_update",
    "study_reason_required",
    "study_save",
    "study_transition",
    "study_transition_problems",
    "study_unpublish",
    "study_update",
    "studysite_remove",
    "studysite_update",
]
