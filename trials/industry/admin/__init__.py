from .agreements import AgreementAdmin, MilestoneAdmin
from .capability import OrganisationCapacityAdmin
from .feasibility import (
    FeasibilityInterestProfileAdmin,
    FeasibilityRequestAdmin,
    FeasibilityResponseAdmin,
    SponsorContactAdmin,
)

__all__ = [
    "AgreementAdmin",
    "FeasibilityInterestProfileAdmin",
    "FeasibilityRequestAdmin",
    "FeasibilityResponseAdmin",
    "MilestoneAdmin",
    "OrganisationCapacityAdmin",
    "SponsorContactAdmin",
]
