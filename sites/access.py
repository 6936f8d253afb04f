"""The back office's one access policy: which rows of a model a user may see, change and choose.

Every admin list, change form, history page, autocomplete, action, export and form field asks this
module (through ``sites.scoped_admin.ScopedAdmin``), so "who may touch what" is decided once.

Each model shown in the admin has one ``AccessRule``. The apps declare the rules for their own
models next to their visibility selectors and register them when Django starts
(``AppConfig.ready``); ``sites`` knows nothing of studies or consents. A rule is one of:

* **scoped**: rows follow the user's organisations. ``visible`` lists what the user may see,
  ``changeable`` what they may change (default: what they see), ``choosable`` what they may pick
  in a form field that points at the model (default: what they may change). A coordinator sees a
  study led by another region when it has a site in theirs, but changes only studies their region
  leads and the sites in their region.
* **shared**: reference tables and shared registers (regions, HRCS, sponsors): every back-office
  user sees them; ``editors`` says who changes them.
* **national**: only national roles (national administrator, NorTrials, superuser) see them.

Observers and users without a scope change nothing, whatever the rule.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet

from .models import Organisation, Region
from .selectors import (
    organisation_visible_to,
    user_can_edit,
    user_has_portfolio_access,
    user_is_national,
    user_scope,
)

User = AbstractBaseUser | AnonymousUser
Rows = Callable[[User], QuerySet]
Editors = Literal["scope", "national", "nobody"]


@dataclass(frozen=True)
class AccessRule:
    kind: Literal["scoped", "shared", "national"]
    visible: Rows | None = None
    changeable: Rows | None = None
    choosable: Rows | None = None
    editors: Editors = "scope"
    """Who may write the rows they may change: anyone who may edit, only national roles, or
    nobody (audit rows, computed snapshots: read-only in the admin)."""


_RULES: dict[type[Model], AccessRule] = {}


def access_register(model: type[Model], rule: AccessRule) -> None:
    if rule.kind == "scoped" and rule.visible is None:
        raise ImproperlyConfigured(f"{model.__name__}: a scoped rule needs `visible`.")
    _RULES[model] = rule


def access_rule(model: type[Model]) -> AccessRule:
    try:
        return _RULES[model]
    except KeyError:
        raise ImproperlyConfigured(
            f"{model._meta.label} has no access rule: declare one with sites.access.access_register."
        ) from None


def access_rules() -> dict[type[Model], AccessRule]:
    """Every registered rule (for the tests that walk the whole admin)."""
    return dict(_RULES)


def _all(model: type[Model]) -> QuerySet:
    return model._default_manager.all()


def _none(model: type[Model]) -> QuerySet:
    return model._default_manager.none()


def rows_visible(*, user: User, model: type[Model]) -> QuerySet:
    """Rows of ``model`` the user may see; a row outside this set is a 404 everywhere."""
    rule = access_rule(model)
    if not user_has_portfolio_access(user=user):
        return _none(model)
    if rule.kind == "shared":
        return _all(model)
    if user_is_national(user=user):
        return _all(model)  # national roles see every row, whatever the rule
    if rule.kind == "national":
        return _none(model)
    assert rule.visible is not None  # noqa: S101 - checked at registration
    return rule.visible(user)


def _may_write(*, user: User, rule: AccessRule) -> bool:
    if not user_can_edit(user=user) or rule.editors == "nobody":
        return False
    return rule.editors == "scope" or user_is_national(user=user)


def rows_changeable(*, user: User, model: type[Model]) -> QuerySet:
    """Rows of ``model`` the user may change (and act on with the admin's actions)."""
    rule = access_rule(model)
    if not _may_write(user=user, rule=rule):
        return _none(model)
    if rule.kind == "scoped" and not user_is_national(user=user):
        return (rule.changeable or rule.visible)(user)  # type: ignore[misc]
    return rows_visible(user=user, model=model)


def rows_choosable(*, user: User, model: type[Model]) -> QuerySet:
    """Rows of ``model`` the user may pick in a form field (an organisation, site, agreement…)."""
    rule = access_rule(model)
    if rule.choosable is not None and not user_is_national(user=user):
        return rule.choosable(user)
    if rule.kind == "scoped":
        if user_is_national(user=user):
            return rows_visible(user=user, model=model)
        return (rule.changeable or rule.visible)(user)  # type: ignore[misc]
    return rows_visible(user=user, model=model)


def may_add(*, user: User, model: type[Model]) -> bool:
    rule = access_rule(model)
    return _may_write(user=user, rule=rule) and (
        rule.kind != "national" or user_is_national(user=user)
    )


def may_change(*, user: User, obj: Model) -> bool:
    """May the user change this row? (One query.)"""
    if obj.pk is None:
        return may_add(user=user, model=type(obj))
    return rows_changeable(user=user, model=type(obj)).filter(pk=obj.pk).exists()


# --- the rules for sites' own models ---------------------------------------------------------------


def region_choosable_to(user: User) -> QuerySet[Region]:
    """The regions a user may place an organisation in: their own (all for national roles)."""
    scope = user_scope(user=user)
    if scope is None:
        return Region.objects.none()
    if scope.region_id:
        return Region.objects.filter(pk=scope.region_id)
    if scope.organisation_id:
        return Region.objects.filter(organisations__pk=scope.organisation_id)
    return Region.objects.none()


def register_sites_rules() -> None:
    from .models import Municipality, OrganisationCapacity, PendingTask, UserScope

    access_register(Organisation, AccessRule("scoped", visible=_organisations))
    access_register(
        OrganisationCapacity,
        AccessRule(
            "scoped",
            visible=lambda user: OrganisationCapacity.objects.filter(
                organisation__in=organisation_visible_to(user=user).values("pk")
            ),
        ),
    )
    access_register(Region, AccessRule("shared", choosable=region_choosable_to, editors="national"))
    access_register(Municipality, AccessRule("shared", editors="national"))
    access_register(UserScope, AccessRule("national", editors="national"))
    access_register(PendingTask, AccessRule("national", editors="nobody"))


def _organisations(user: User) -> QuerySet[Organisation]:
    return organisation_visible_to(user=user)
