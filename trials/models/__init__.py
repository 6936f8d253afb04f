from .agreements import Agreement, Milestone
from .diagnoses import StudyDiagnosis
from .feasibility import FeasibilityInterestProfile, FeasibilityRequest, FeasibilityResponse
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
from .sponsors import SponsorContact
from .studies import Sponsor, Study, StudySite

__all__ = [
    "Agreement",
    "Decision",
    "FeasibilityInterestProfile",
    "FeasibilityRequest",
    "FeasibilityResponse",
    "HealthCategory",
    "IdentityReview",
    "ImportRun",
    "Milestone",
    "OrganisationAlias",
    "PublicChange",
    "Registry",
    "RegistryRecord",
    "ResearchActivity",
    "SiteMatch",
    "Sponsor",
    "SponsorContact",
    "StatusProposal",
    "Study",
    "StudyDiagnosis",
    "StudySite",
]
