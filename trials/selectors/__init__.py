"""Reads: what may be published, what a back-office user may see, and data-quality flags.

The rules live in the modules of this package; they are re-exported here so that callers import
from ``trials.selectors`` whatever module a rule lives in.
"""

from .public import study_attach_places, study_attach_public
from .quality import (
    CTR_START,
    QualityFlag,
    enrolment_display,
    study_admin_list,
    study_enrolled_count,
    study_flags,
    study_open_site_count,
    study_quality_flag_q,
    study_with_flags,
    studysite_enrolled_count,
)
from .studies import (
    CareLevel,
    study_care_levels,
    study_finder_list,
    study_identifier_field,
    study_identifier_lookup,
    study_left_public_since,
    study_open_site_exists,
    study_public_detail,
    study_public_list,
    study_public_queryset,
    study_visible_to,
    studysite_label,
    studysite_visible_to,
)

__all__ = [
    "CTR_START",
    "CareLevel",
    "QualityFlag",
    "enrolment_display",
    "study_admin_list",
    "study_attach_places",
    "study_attach_public",
    "study_care_levels",
    "study_enrolled_count",
    "study_finder_list",
    "study_flags",
    "study_identifier_field",
    "study_identifier_lookup",
    "study_left_public_since",
    "study_open_site_count",
    "study_open_site_exists",
    "study_public_detail",
    "study_public_list",
    "study_public_queryset",
    "study_quality_flag_q",
    "study_visible_to",
    "study_with_flags",
    "studysite_enrolled_count",
    "studysite_label",
    "studysite_visible_to",
]
