"""Roles as Django groups: the one table of what each back-office role may do, kept in code.

Each ``UserScope.Role`` is a Django group with exactly the model permissions below.
``roles_sync`` makes the database's groups match the table (``manage.py sync_roles``, also run after
every ``migrate``); ``user_scope_assign`` gives a user a role, a scope and that role's group.

The permissions say *which kinds of rows* a role may view, add, change or delete; *which rows* (the
user's region or organisation) is decided by ``sites.access``. Models are named without their app
(``sites`` imports none of the other apps), and each name must be unique among the installed apps.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, Group, Permission, User
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.translation import gettext as _

from .history import save_with_history
from .models import Organisation, Region, UserScope
from .security.security_log import security_actor

Role = UserScope.Role

NONE: tuple[str, ...] = ()
VIEW = ("view",)
VIEW_ADD = ("view", "add")  # append-only: rows are added, never changed or deleted
VIEW_CHANGE = ("view", "change")
VIEW_DELETE = ("view", "delete")
WORK = ("view", "add", "change")
ALL = ("view", "add", "change", "delete")

GROUP_NAMES: dict[str, str] = {
    Role.NATIONAL_ADMIN: "Nasjonal administrator",
    Role.NORTRIALS: "NorTrials-sekretariatet",
    Role.REGIONAL_COORDINATOR: "Regional koordinator",
    Role.ORGANISATION_STAFF: "Forskningsstøtte i organisasjon",
    Role.OBSERVER: "Lesetilgang",
}

_COLUMNS = (
    Role.NATIONAL_ADMIN,
    Role.NORTRIALS,
    Role.REGIONAL_COORDINATOR,
    Role.ORGANISATION_STAFF,
    Role.OBSERVER,
)

# fmt: off
GRANTS: dict[str, tuple[tuple[str, ...], ...]] = {
    #                        national     NorTrials    coordinator  org. staff   observer
    # Reference tables are loaded from the project's files and protected by the rows using them.
    "region":               (WORK,        VIEW,        VIEW,        VIEW,        VIEW),
    "municipality":         (WORK,        VIEW,        VIEW,        VIEW,        VIEW),
    "healthcategory":       (WORK,        VIEW,        VIEW,        VIEW,        VIEW),
    "researchactivity":     (WORK,        VIEW,        VIEW,        VIEW,        VIEW),
    # The portfolio.
    "organisation":         (ALL,         VIEW,        WORK,        WORK,        VIEW),
    "study":                (ALL,         VIEW,        WORK,        WORK,        VIEW),
    "studysite":            (ALL,         VIEW,        WORK,        WORK,        VIEW),
    # Registry imports: what they leave for a person is decided by who may change the study.
    "sitematch":            (VIEW_CHANGE, VIEW_CHANGE, VIEW_CHANGE, VIEW_CHANGE, VIEW),  # made by imports, confirmed or rejected
    "identityreview":       (VIEW_CHANGE, VIEW_CHANGE, VIEW_CHANGE, VIEW_CHANGE, VIEW),
    "statusproposal":       (VIEW_CHANGE, VIEW_CHANGE, VIEW_CHANGE, VIEW_CHANGE, VIEW),
    "organisationalias":    (VIEW_CHANGE, VIEW,        VIEW,        VIEW,        VIEW),  # made by confirming a site match
    "importrun":            (VIEW_ADD,    VIEW_ADD,    NONE,        NONE,        NONE),  # started from the import page, then a record
    # Sponsors are one register shared by all regions; NorTrials registers the industry ones.
    "sponsor":              (ALL,         WORK,        WORK,        WORK,        VIEW),
    # Industry collaboration: NorTrials nationally, the sites for their own organisations.
    "feasibilityrequest":   (ALL,         ALL,         VIEW,        VIEW,        VIEW),  # NorTrials takes requests in and routes them
    "feasibilityresponse":  (ALL,         ALL,         VIEW_CHANGE, VIEW_CHANGE, VIEW),  # made by routing; a site answers its own
    "feasibilityinterestprofile": (ALL,   ALL,         WORK,        WORK,        VIEW),
    "sponsorcontact":       (ALL,         ALL,         NONE,        NONE,        NONE),  # NorTrials' address book of sponsor staff
    "agreement":            (ALL,         WORK,        WORK,        WORK,        VIEW),  # cancelled, not deleted: cancellations are an indicator
    "milestone":            (ALL,         WORK,        WORK,        WORK,        VIEW),
    "organisationcapacity": (ALL,         WORK,        WORK,        WORK,        VIEW),  # NorTrials reads them to answer sponsors
    # Participation and consent: person-level data, only for those who register it.
    "participant":          (VIEW_CHANGE, NONE,        VIEW_CHANGE, VIEW_CHANGE, NONE),  # made by an enrolment or consent, erased by a withdrawal
    "enrolment":            (WORK,        NONE,        WORK,        WORK,        NONE),  # ended or withdrawn, never deleted
    "consentform":          (WORK,        VIEW,        WORK,        WORK,        VIEW),  # a form in use gets a new version, not a deletion
    "consentevent":         (VIEW_ADD,    NONE,        VIEW_ADD,    VIEW_ADD,    NONE),  # the consent ledger only grows
    "reservation":          (WORK,        NONE,        WORK,        WORK,        NONE),  # lifted (a change with who and why), never deleted
    "exportbatch":          (VIEW,        NONE,        NONE,        NONE,        NONE),  # written by the register export, read-only
    # Indicators and reports: computed rows and sent reports are records, read-only for everyone.
    "indicator":            (ALL,         VIEW,        VIEW,        VIEW,        VIEW),
    "reportedfigure":       (ALL,         VIEW,        VIEW,        VIEW,        VIEW),
    "reporteddenominator":  (WORK,        VIEW,        VIEW,        VIEW,        VIEW),  # with its source; corrected, not deleted
    "indicatorsnapshot":    (VIEW,        VIEW,        VIEW,        VIEW,        VIEW),
    "reportrun":            (VIEW,        VIEW,        VIEW,        VIEW,        VIEW),
    # Results reporting: published registry facts, written by the loader only.
    "resultsreport":        (VIEW,        VIEW,        VIEW,        VIEW,        VIEW),
    # The yearly KBS report to NVA: periods are the national administrator's; project managers
    # decide and confirm, local project managers report their site; the report file is a record.
    "reportingperiod":      (WORK,        NONE,        NONE,        NONE,        NONE),  # never deleted
    "kbsproject":           (WORK,        NONE,        WORK,        WORK,        VIEW),  # undone by a service, never deleted
    "kbssitenumber":        (VIEW_CHANGE, NONE,        VIEW_CHANGE, VIEW_CHANGE, VIEW),
    "kbschange":            (VIEW,        NONE,        VIEW,        VIEW,        VIEW),  # the log only grows
    "kbsreportfile":        (VIEW,        NONE,        NONE,        NONE,        NONE),
    # Access and operations: decided nationally.
    "userscope":            (ALL,         NONE,        NONE,        NONE,        NONE),
    "user":                 (WORK,        NONE,        NONE,        NONE,        NONE),  # to pick a scope's user; deactivated, never deleted
    "group":                (VIEW,        NONE,        NONE,        NONE,        NONE),  # groups come from this table, not from the admin
    "integrationclient":    (WORK,        NONE,        NONE,        NONE,        NONE),  # revoked by deactivating, so the audit keeps the name
    "pendingtask":          (VIEW_DELETE, NONE,        NONE,        NONE,        NONE),  # sent by the flush task; a poisoned one may be dropped
}
# fmt: on


def role_group_name(*, role: str) -> str:
    return GROUP_NAMES[Role(role)]


def _model_labels() -> dict[str, str]:
    """Model name → app label for every name in the table (``enrolment`` → ``consents``)."""
    found: dict[str, list[str]] = {}
    for model in apps.get_models():
        if model._meta.model_name in GRANTS:
            found.setdefault(model._meta.model_name, []).append(model._meta.app_label)
    problems = [
        f"{name}: {', '.join(found.get(name, [])) or _('finnes ikke')}"
        for name in GRANTS
        if len(found.get(name, [])) != 1
    ]
    if problems:
        raise ImproperlyConfigured(
            "sites.roles.GRANTS names models that are missing or not unique: " + "; ".join(problems)
        )
    return {name: labels[0] for name, labels in found.items()}


def role_permissions(*, role: str) -> frozenset[str]:
    """The role's permissions as ``app_label.codename`` (``trials.change_study``)."""
    column = _COLUMNS.index(Role(role))
    labels = _model_labels()
    return frozenset(
        f"{labels[name]}.{action}_{name}" for name, row in GRANTS.items() for action in row[column]
    )


@dataclass
class RolesSyncResult:
    created: list[str] = field(default_factory=list)
    added: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.added or self.removed)


def _ensure_permissions(app_labels: Iterable[str]) -> None:
    """Create the permissions of those apps now: after ``migrate``, Django creates them app by app,
    and ``sites`` is reached before the apps whose models the table also names."""
    from django.contrib.auth.management import create_permissions

    for label in sorted(set(app_labels)):
        create_permissions(apps.get_app_config(label), verbosity=0)


def _permissions_in(app_labels: set[str]) -> dict[str, Permission]:
    return {
        _label(p): p
        for p in Permission.objects.select_related("content_type").filter(
            content_type__app_label__in=app_labels
        )
    }


def _permissions_by_label(wanted: set[str]) -> dict[str, Permission]:
    app_labels = {label.split(".", 1)[0] for label in wanted}
    found = _permissions_in(app_labels)
    if wanted - found.keys():
        _ensure_permissions(app_labels)
        found = _permissions_in(app_labels)
    missing = wanted - found.keys()
    if missing:
        raise ImproperlyConfigured(
            "sites.roles.GRANTS names permissions that do not exist: " + ", ".join(sorted(missing))
        )
    return found


def _label(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


@transaction.atomic
def roles_sync() -> RolesSyncResult:
    """Make each role's group have exactly the table's permissions; a second run changes nothing.

    Permissions added to a role's group by hand are removed. Other groups are left alone.
    """
    result = RolesSyncResult()
    wanted = {role: role_permissions(role=role) for role in _COLUMNS}
    permissions = _permissions_by_label(set().union(*wanted.values()))
    for role in _COLUMNS:
        name = GROUP_NAMES[role]
        group, created = Group.objects.get_or_create(name=name)
        if created:
            result.created.append(name)
        current = {_label(p): p for p in group.permissions.select_related("content_type")}
        to_add = sorted(wanted[role] - current.keys())
        to_remove = sorted(current.keys() - wanted[role])
        if to_remove:
            group.permissions.remove(*(current[label] for label in to_remove))
            result.removed[name] = to_remove
        if to_add:
            group.permissions.add(*(permissions[label] for label in to_add))
            result.added[name] = to_add
    return result


def roles_sync_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """``post_migrate`` receiver: a freshly migrated database has the role groups at once."""
    if using == DEFAULT_DB_ALIAS:
        roles_sync()


# Where Django's ModelBackend and sites.selectors keep what they looked up about a user's rights.
_RIGHTS_CACHES = ("_perm_cache", "_group_perm_cache", "_user_perm_cache", "_portfolio_scope_cache")


@transaction.atomic
def user_scope_assign(
    *,
    user: User,
    role: str,
    region: Region | None = None,
    organisation: Organisation | None = None,
    actor: AbstractBaseUser | None = None,
) -> UserScope:
    """Give a user a role and its scope, and put them in exactly that role's group.

    Groups of other roles are taken away; groups that are not roles are left alone. Nothing is
    written when the user already has this role, scope and group.
    """
    role = Role(role)
    with security_actor(actor):
        scope = UserScope.objects.filter(user=user).first() or UserScope(user=user)
        new = {
            "role": role,
            "region_id": getattr(region, "pk", None),
            "organisation_id": getattr(organisation, "pk", None),
        }
        if scope.pk is None or any(getattr(scope, k) != v for k, v in new.items()):
            scope.role, scope.region, scope.organisation = role, region, organisation
            scope.full_clean()
            save_with_history(scope, user=actor, reason=_("Rolle: %(role)s") % {"role": role.label})

        group = Group.objects.filter(name=GROUP_NAMES[role]).first()
        if group is None:
            roles_sync()
            group = Group.objects.get(name=GROUP_NAMES[role])
        other_roles = user.groups.filter(name__in=GROUP_NAMES.values()).exclude(pk=group.pk)
        if other_roles:
            user.groups.remove(*other_roles)
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
    # The user object may be used again at once: forget what was cached about its rights.
    for cached in _RIGHTS_CACHES:
        user.__dict__.pop(cached, None)
    return scope
