from .agreements import Agreement, Milestone
from .diagnoses import StudyDiagnosis
from .feasibility import FeasibilityInterestProfile, FeasibilityRequest, FeasibilityResponse
from .hrcs import HealthCategory, ResearchActivity
from .public import PublicChange
from .sponsors import SponsorContact
from .studies import Sponsor, Study, StudySite

__all__ = [
    "Agreement",
    "FeasibilityInterestProfile",
    "FeasibilityRequest",
    "FeasibilityResponse",
    "HealthCategory",
    "Milestone",
    "PublicChange",
    "ResearchActivity",
    "Sponsor",
    "SponsorContact",
    "Study",
    "StudyDiagnosis",
    "StudySite",
]
