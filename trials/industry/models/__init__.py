from .agreements import Agreement, Milestone
from .feasibility import FeasibilityInterestProfile, FeasibilityRequest, FeasibilityResponse
from .sponsors import SponsorContact

__all__ = [
    "Agreement",
    "FeasibilityInterestProfile",
    "FeasibilityRequest",
    "FeasibilityResponse",
    "Milestone",
    "SponsorContact",
]
