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
    "HealthCategoryAdmin",
    "IdentityReviewAdmin",
    "ImportRunAdmin",
    "OrganisationAliasAdmin",
    "ResearchActivityAdmin",
    "SiteMatchAdmin",
    "SponsorAdmin",
    "StatusProposalAdmin",
    "StudyAdmin",
    "StudySiteAdmin",
]
