from .agreements import Agreement, Milestone
from .enrolments import Enrolment
from .feasibility import FeasibilityRequest, FeasibilityResponse
from .hrcs import HealthCategory, ResearchActivity
from .studies import Sponsor, Study, StudySite

__all__ = [
    "Agreement",
    "Enrolment",
    "FeasibilityRequest",
    "FeasibilityResponse",
    "HealthCategory",
    "Milestone",
    "ResearchActivity",
    "Sponsor",
    "Study",
    "StudySite",
]
