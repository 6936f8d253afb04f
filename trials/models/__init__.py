from .diagnoses import StudyDiagnosis
from .hrcs import HealthCategory, ResearchActivity
from .imports import (
    Decision,
    IdentityReview,
    ImportRun,
    OrganisationAlias,
    Registry,
    RegistryRecord,
    SiteMatch,
    StatusProposal,
)
from .public import PublicChange
from .studies import Sponsor, Study, StudySite

__all__ = [
    "Decision",
    "HealthCategory",
    "IdentityReview",
    "ImportRun",
    "OrganisationAlias",
    "PublicChange",
    "Registry",
    "RegistryRecord",
    "ResearchActivity",
    "SiteMatch",
    "Sponsor",
    "StatusProposal",
    "Study",
    "StudyDiagnosis",
    "StudySite",
]
