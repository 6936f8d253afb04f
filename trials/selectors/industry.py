"""Who may see which feasibility requests, answers, agreements and capacity figures.

NorTrials and national administrators see everything; a regional coordinator sees rows whose
organisation is in their region; research support staff see their own organisation (and the
hospitals under it); everyone else sees nothing.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from sites.models import UserScope

from ..models import Agreement, FeasibilityRequest, FeasibilityResponse

NATIONAL_ROLES = {UserScope.Role.NATIONAL_ADMIN, UserScope.Role.NORTRIALS}


def _scope(user) -> UserScope | None:
    try:
        return user.scope
    except UserScope.DoesNotExist:
        return None


def industry_sees_all(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    scope = _scope(user)
    return scope is not None and scope.role in NATIONAL_ROLES


def industry_organisation_filter(user, *, prefix: str = "organisation") -> Q:
    """A filter on an organisation relation (``prefix``) limited to what ``user`` may see."""
    if industry_sees_all(user):
        return Q()
    scope = _scope(user) if user.is_authenticated and user.is_active else None
    if scope and scope.role == UserScope.Role.REGIONAL_COORDINATOR and scope.region_id:
        return Q(**{f"{prefix}__region_id": scope.region_id})
    if scope and scope.role == UserScope.Role.ORGANISATION_STAFF and scope.organisation_id:
        return Q(**{f"{prefix}_id": scope.organisation_id}) | Q(
            **{f"{prefix}__parent_id": scope.organisation_id}
        )
    return Q(pk__in=[])


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
