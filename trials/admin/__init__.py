from .agreements import AgreementAdmin, MilestoneAdmin
from .capability import OrganisationCapacityAdmin
from .feasibility import (
    FeasibilityInterestProfileAdmin,
    FeasibilityRequestAdmin,
    FeasibilityResponseAdmin,
    SponsorContactAdmin,
)
from .imports import (
    IdentityReviewAdmin,
    ImportRunAdmin,
    OrganisationAliasAdmin,
    SiteMatchAdmin,
    StatusProposalAdmin,
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
    "IdentityReviewAdmin",
    "ImportRunAdmin",
    "MilestoneAdmin",
    "OrganisationAliasAdmin",
    "OrganisationCapacityAdmin",
    "ResearchActivityAdmin",
    "SiteMatchAdmin",
    "SponsorAdmin",
    "SponsorContactAdmin",
    "StatusProposalAdmin",
    "StudyAdmin",
    "StudySiteAdmin",
]
