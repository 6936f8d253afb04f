"""Writes and business rules for studies and study sites."""

import datetime as dt
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from sites.history import bulk_update_with_history
from sites.services import LoadResult, read_reference_csv, upsert_reference_row

from ..models import HealthCategory, ResearchActivity, Study, StudySite


@transaction.atomic
def study_close_expired_recruitment(*, today: dt.date, user: AbstractBaseUser | None = None) -> int:
    """Close for inclusion every open study and site whose planned recruitment end has passed.

    Returns the number of studies closed. Each change is kept in the history with a reason, and
    moves ``updated_at`` (so the public ETag changes and cached clients see the studies closed).
    """
    reason = _("Planlagt slutt på rekruttering er passert (nattlig jobb).")
    studies = list(
        Study.objects.select_for_update().filter(
            status=Study.Status.OPEN, planned_recruitment_end_on__lt=today
        )
    )
    if not studies:
        return 0
    for study in studies:
        study.status = Study.Status.CLOSED
        study.actual_recruitment_end_on = (
            study.actual_recruitment_end_on or study.planned_recruitment_end_on
        )
    bulk_update_with_history(
        studies, ["status", "actual_recruitment_end_on"], user=user, reason=reason
    )
    sites = list(StudySite.objects.filter(study__in=studies, status=StudySite.Status.OPEN))
    for site in sites:
        site.status = StudySite.Status.CLOSED
        site.closed_on = (
            today if site.activated_on is None or site.activated_on <= today else site.activated_on
        )
    bulk_update_with_history(sites, ["status", "closed_on"], user=user, reason=reason)
    return len(studies)


REFERENCE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "reference"


@transaction.atomic
def hrcs_load(*, directory: Path = REFERENCE_DIR, result: LoadResult | None = None) -> LoadResult:
    """Load the 21 HRCS health categories and 48 research activity codes (idempotent)."""
    result = result or LoadResult()
    for row in read_reference_csv(directory / "hrcs_health_categories.csv"):
        upsert_reference_row(
            HealthCategory,
            {"code": row["code"]},
            {
                "identifier": row["identifier"],
                "label_nb": row["label_nb"],
                "label_en": row["label_en"],
                "description_en": row["description_en"],
            },
            result,
            "HRCS helsekategorier",
        )
    for row in read_reference_csv(directory / "hrcs_research_activities.csv"):
        upsert_reference_row(
            ResearchActivity,
            {"code": row["code"]},
            {
                "group_code": int(row["group_code"]),
                "group_nb": row["group_nb"],
                "group_en": row["group_en"],
                "label_nb": row["label_nb"],
                "label_en": row["label_en"],
            },
            result,
            "HRCS forskningsaktiviteter",
        )
    return result


# Re-exported so that callers import from ``trials.services`` whatever module a rule lives in.
from .lifecycle import (  # noqa: E402
    ALLOWED_TRANSITIONS,
    APPROVED_OR_LATER,
    BulkResult,
    study_bulk_apply,
    study_close_for_inclusion,
    study_publish,
    study_publish_problems,
    study_transition,
    study_transition_problems,
    study_unpublish,
)
from .studies import (  # noqa: E402
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
