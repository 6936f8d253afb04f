from .agreements import AgreementAdmin, MilestoneAdmin
from .capability import OrganisationCapacityAdmin
from .feasibility import (
    FeasibilityInterestProfileAdmin,
    FeasibilityRequestAdmin,
    FeasibilityResponseAdmin,
    SponsorContactAdmin,
)
from .studies import (
    HealthCategoryAdmin,
    ResearchActivityAdmin,
    SponsorAdmin,
    StudyAdmin,
    StudySiteAdmin,
)

__all__ = [
    "AgreementAdmin",
    "FeasibilityInterestProfileAdmin",
    "FeasibilityRequestAdmin",
    "FeasibilityResponseAdmin",
    "HealthCategoryAdmin",
    "MilestoneAdmin",
    "OrganisationCapacityAdmin",
    "ResearchActivityAdmin",
    "SponsorAdmin",
    "SponsorContactAdmin",
    "StudyAdmin",
    "StudySiteAdmin",
]
