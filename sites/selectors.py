"""Reads for sites, and the one answer to "which organisations may this user see and change".

Every back-office list, form, autocomplete, action and export goes through these functions (and the
``trials.selectors`` ones built on them), so that a coordinator of Helse Nord never sees a row that
belongs only to Helse Vest. The rules, by ``UserScope.role``:

* superuser, national administrator, NorTrials secretariat: everything;
* regional coordinator: organisations in their region;
* organisation staff: their organisation and the units under it (two levels: HF → hospital → unit);
* observer: like the region or organisation on their scope (everything if neither), read-only;
* anyone else (no scope): nothing.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Case, F, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast

from .models import Municipality, Organisation, Region, UserPreference, UserScope
from .operations.reference_cache import ReferenceRows

# The places a public page names, as plain rows from the shared cache (operations.reference_cache).
REGION_ROWS = ReferenceRows("by-name", Region.objects.order_by("name"), "id", "code", "name")
# The municipalities' positions as floats: the finder reads all 357 rows on every page, and
# a Decimal takes three times as long as a float to read back from the cache.
MUNICIPALITY_ROWS = ReferenceRows(
    "by-name",
    Municipality.objects.order_by("name").annotate(
        lat=Cast("latitude", FloatField()), lon=Cast("longitude", FloatField())
    ),
    *("id", "code", "name", "county_name", "lat", "lon"),
)


def ids_by_code(reference: ReferenceRows) -> dict[str, int]:
    """``code → id`` of reference rows whose first two fields are the id and the code."""
    return {code: pk for pk, code, *_ in reference.rows()}


NATIONAL_ROLES = frozenset({UserScope.Role.NATIONAL_ADMIN, UserScope.Role.NORTRIALS})

_CACHE_ATTR = "_portfolio_scope_cache"


def user_scope(*, user: AbstractBaseUser | AnonymousUser) -> UserScope | None:
    """The user's scope (one query per request, cached on the user object); None without one."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    if not hasattr(user, _CACHE_ATTR):
        scope = UserScope.objects.select_related("region", "organisation").filter(user=user).first()
        setattr(user, _CACHE_ATTR, scope)
    return getattr(user, _CACHE_ATTR)


def user_is_national(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    """True for superusers and roles that see the whole country."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    scope = user_scope(user=user)
    return scope is not None and scope.role in NATIONAL_ROLES


def user_has_portfolio_access(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    """May the user see anything in the back office at all?"""
    return user_is_national(user=user) or user_scope(user=user) is not None


def user_can_edit(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    """May the user change the rows they can see? Observers and users without a scope may not."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    scope = user_scope(user=user)
    return scope is not None and scope.role != UserScope.Role.OBSERVER


def organisation_scope_q(*, user: AbstractBaseUser | AnonymousUser, prefix: str = "") -> Q | None:
    """A ``Q`` on ``<prefix>`` (an Organisation relation) for the user's scope.

    Returns None when the user sees every organisation, and ``Q(pk__in=[])`` when they see none.
    ``prefix`` is the lookup path to an organisation, e.g. ``"responsible_organisation__"``.
    """
    if user_is_national(user=user):
        return None
    scope = user_scope(user=user)
    if scope is None:
        return Q(pk__in=[])
    if scope.role == UserScope.Role.REGIONAL_COORDINATOR or (
        scope.role == UserScope.Role.OBSERVER and scope.region_id and not scope.organisation_id
    ):
        return Q(**{f"{prefix}region_id": scope.region_id})
    if scope.organisation_id:
        org = scope.organisation_id
        return (
            Q(**{f"{prefix}pk": org})
            | Q(**{f"{prefix}parent_id": org})
            | Q(**{f"{prefix}parent__parent_id": org})
        )
    if scope.role == UserScope.Role.OBSERVER:
        return None  # A national observer: sees everything, changes nothing.
    return Q(pk__in=[])


def organisation_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Organisation]:
    """Organisations the user may see (and, unless an observer, change)."""
    q = organisation_scope_q(user=user)
    queryset = Organisation.objects.all()
    if q is None:
        return queryset
    if q == Q(pk__in=[]):
        return queryset.none()
    return queryset.filter(q)


HEALTH_TRUST_KINDS = ("hf", "private_nonprofit")
"""Units that stand on their own at health-trust level: the HFs, and the private non-profit
hospitals (which have an agreement with an RHF and are compared beside the HFs)."""


def organisation_health_trust(prefix: str = "") -> Case:
    """An expression for the health trust (HF) an organisation belongs to, for roll-ups.

    ``prefix`` is the lookup path to the organisation (``"site__organisation__"``). An HF or private
    non-profit hospital is its own trust; a hospital (or a unit under a hospital) rolls up to the HF
    above it; an RHF, support enterprise, municipality service or university has none (NULL).
    """
    return Case(
        When(**{f"{prefix}kind__in": HEALTH_TRUST_KINDS}, then=F(f"{prefix}pk")),
        When(**{f"{prefix}parent__kind": "hf"}, then=F(f"{prefix}parent_id")),
        When(**{f"{prefix}parent__parent__kind": "hf"}, then=F(f"{prefix}parent__parent_id")),
        default=Value(None),
        output_field=IntegerField(),
    )


STABLE_ID_PREFIX = "org-"


def organisation_public_id(*, pk: int, orgnr: str | None) -> str:
    """How the public API names an organisation: its organisation number, or for one without
    (municipal and dental services) the stable ``org-<n>``. ``org-<n>`` also finds an
    organisation that has a number, so an id once handed out keeps working if a number comes."""
    return orgnr or f"{STABLE_ID_PREFIX}{pk}"


def organisation_public_id_q(keys: list[str]) -> Q:
    """Organisations named by any of ``keys`` (public ids); a malformed key matches nothing."""
    numbers = [key for key in keys if key.isdigit() and len(key) == 9]
    pks = [
        int(key.removeprefix(STABLE_ID_PREFIX))
        for key in keys
        if key.startswith(STABLE_ID_PREFIX) and key.removeprefix(STABLE_ID_PREFIX).isdigit()
    ]
    return Q(orgnr__in=numbers) | Q(pk__in=pks)


def user_language(*, user: AbstractBaseUser | AnonymousUser) -> str:
    """The admin language the user chose, or "" when the browser (or the default) decides."""
    if not user.is_authenticated:
        return ""
    chosen = (
        UserPreference.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    )
    return chosen or ""
