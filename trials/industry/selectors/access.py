"""Who may see which feasibility requests, answers, agreements and capacity figures.

NorTrials and national administrators see everything; a regional coordinator sees rows whose
organisation is in their region; research support staff see their own organisation (and the
hospitals under it); everyone else sees nothing. ``register_access_rules`` registers these rules
in ``sites.access`` at start-up.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from sites.access import AccessRule, access_register
from sites.selectors import organisation_scope_q, user_is_national

from ..models import (
    Agreement,
    FeasibilityInterestProfile,
    FeasibilityRequest,
    FeasibilityResponse,
    Milestone,
    SponsorContact,
)


def industry_sees_all(user) -> bool:
    """NorTrials, national administrators and superusers see every request and agreement."""
    return user_is_national(user=user)


def industry_organisation_filter(user, *, prefix: str = "organisation") -> Q:
    """A filter on an organisation relation (``prefix``) limited to what ``user`` may see."""
    scoped = organisation_scope_q(user=user, prefix=f"{prefix}__")
    return Q() if scoped is None else scoped


def feasibility_request_visible_to(
    user, queryset: QuerySet[FeasibilityRequest] | None = None
) -> QuerySet[FeasibilityRequest]:
    """Requests routed to an organisation the user may see; all for NorTrials."""
    requests = FeasibilityRequest.objects.all() if queryset is None else queryset
    if industry_sees_all(user):
        return requests
    routed = FeasibilityResponse.objects.filter(
        industry_organisation_filter(user), request=OuterRef("pk")
    )
    return requests.filter(Exists(routed))


def feasibility_response_visible_to(user) -> QuerySet[FeasibilityResponse]:
    return FeasibilityResponse.objects.filter(industry_organisation_filter(user))


def agreement_visible_to(user) -> QuerySet[Agreement]:
    return Agreement.objects.filter(industry_organisation_filter(user))


def register_access_rules() -> None:
    access_register(Agreement, AccessRule("scoped", visible=agreement_visible_to))
    access_register(
        Milestone,
        AccessRule(
            "scoped",
            visible=lambda user: Milestone.objects.filter(
                industry_organisation_filter(user, prefix="agreement__organisation")
            ),
        ),
    )
    access_register(
        FeasibilityRequest,
        AccessRule("scoped", visible=feasibility_request_visible_to, editors="national"),
    )
    access_register(
        FeasibilityResponse, AccessRule("scoped", visible=feasibility_response_visible_to)
    )
    access_register(
        FeasibilityInterestProfile,
        AccessRule(
            "scoped",
            visible=lambda user: FeasibilityInterestProfile.objects.filter(
                industry_organisation_filter(user)
            ),
        ),
    )
    access_register(SponsorContact, AccessRule("national", editors="national"))
