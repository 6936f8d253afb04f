"""Security events as structured JSON lines on the ``security`` logger.

Only whitelisted fields are written: event, user, address, time and a few event-specific keys.
Passwords, tokens and national identity numbers never reach this logger; credentials dicts from
``user_login_failed`` are reduced to the username.
"""

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from . import addresses
from .log_format import ALLOWED_KEYS

logger = logging.getLogger("security")

# The request being served, so receivers without a request argument can name the address.
current_request: contextvars.ContextVar = contextvars.ContextVar("current_request", default=None)
# Who is acting when a service changes rights outside a request (a command, a task).
current_actor: contextvars.ContextVar = contextvars.ContextVar("current_actor", default=None)


@contextmanager
def security_actor(user) -> Iterator[None]:
    """Name ``user`` as the one who did what is logged inside the block (None: unknown)."""
    token = current_actor.set(user)
    try:
        yield
    finally:
        current_actor.reset(token)


def client_address(request) -> str | None:
    """The client's address as the trusted proxies saw it (``TRUSTED_PROXY_COUNT``)."""
    return addresses.client_address(request=request)


def security_event(event: str, *, request=None, user=None, level: int = logging.INFO, **fields):
    request = request if request is not None else current_request.get()
    if user is None:
        user = current_actor.get()
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    username = getattr(user, "username", user) if user is not None else None
    extra = {
        "event": event,
        "user": username,
        "address": client_address(request),
        "path": getattr(request, "path", None),
    }
    extra.update({k: v for k, v in fields.items() if k in ALLOWED_KEYS})
    logger.log(level, event, extra=extra)


@receiver(user_logged_in, dispatch_uid="security_log_logged_in")
def _logged_in(sender, request, user, **kwargs):
    security_event("login_succeeded", request=request, user=user)


@receiver(user_logged_out, dispatch_uid="security_log_logged_out")
def _logged_out(sender, request, user, **kwargs):
    security_event("logout", request=request, user=user)


@receiver(user_login_failed, dispatch_uid="security_log_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    security_event(
        "login_failed",
        request=request,
        user=str(credentials.get("username", ""))[:150] or None,
        level=logging.WARNING,
    )


@receiver(user_locked_out, dispatch_uid="security_log_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    security_event("lockout", request=request, user=username, level=logging.WARNING)


User = get_user_model()
_WATCHED_USER_FIELDS = ("is_active", "is_staff", "is_superuser")


@receiver(pre_save, sender=User, dispatch_uid="security_log_user_pre_save")
def _remember_user_flags(sender, instance, **kwargs):
    if instance.pk:
        old = sender.objects.filter(pk=instance.pk).values(*_WATCHED_USER_FIELDS).first()
        instance._security_old_flags = old


@receiver(post_save, sender=User, dispatch_uid="security_log_user_post_save")
def _log_user_flag_changes(sender, instance, created, **kwargs):
    old = getattr(instance, "_security_old_flags", None)
    if created:
        changes = {f: getattr(instance, f) for f in _WATCHED_USER_FIELDS}
        security_event("user_created", target_user=instance.username, changes=changes)
    elif old:
        changes = {
            f: getattr(instance, f) for f in _WATCHED_USER_FIELDS if old[f] != getattr(instance, f)
        }
        if changes:
            security_event("user_role_changed", target_user=instance.username, changes=changes)
    instance._security_old_flags = None


@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="security_log_perms")
def _log_permission_changes(sender, instance, action, pk_set, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        security_event(
            "permissions_changed",
            target_user=getattr(instance, "username", str(instance)),
            action=action.removeprefix("post_"),
            permissions=sorted(pk_set or []),
        )


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="security_log_groups")
def _log_group_changes(sender, instance, action, reverse, pk_set, **kwargs):
    """A user joining or leaving groups, named by username and group names (from either side)."""
    if action == "pre_clear":
        instance._security_cleared = _cleared_memberships(instance, reverse)
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if action == "post_clear":
        links = getattr(instance, "_security_cleared", [])
        instance._security_cleared = None
    elif reverse:  # group.user_set.add(user, …)
        usernames = User.objects.filter(pk__in=pk_set or []).values_list("username", flat=True)
        links = [(username, instance.name) for username in usernames]
    else:
        links = [(instance.username, name) for name in _group_names(pk_set)]
    for username in sorted({username for username, _group in links}):
        security_event(
            "groups_changed",
            target_user=username,
            action=action.removeprefix("post_"),
            groups=sorted(group for name, group in links if name == username),
        )


def _cleared_memberships(instance, reverse: bool) -> list[tuple[str, str]]:
    if reverse:
        return [(u, instance.name) for u in instance.user_set.values_list("username", flat=True)]
    return [(instance.username, name) for name in instance.groups.values_list("name", flat=True)]


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="security_log_group_perms")
def _log_group_permission_changes(sender, instance, action, reverse, pk_set, **kwargs):
    """A role's group gaining or losing permissions changes the rights of everyone in it."""
    if action == "pre_clear":
        # After the clear nothing says what was there: name it now, log it on post_clear.
        instance._security_cleared = _cleared_links(instance, reverse)
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if action == "post_clear":
        links = getattr(instance, "_security_cleared", [])
        instance._security_cleared = None
    elif reverse:  # permission.group_set.add(group, …)
        label = f"{instance.content_type.app_label}.{instance.codename}"
        links = [(name, label) for name in _group_names(pk_set)]
    else:
        links = [(instance.name, codename) for codename in _codenames(pk_set)]
    for group in sorted({name for name, _codename in links}):
        security_event(
            "group_permissions_changed",
            group=group,
            action=action.removeprefix("post_"),
            permissions=sorted(codename for name, codename in links if name == group),
        )


def _codenames(pk_set) -> list[str]:
    return sorted(
        f"{app}.{codename}"
        for app, codename in Permission.objects.filter(pk__in=pk_set or []).values_list(
            "content_type__app_label", "codename"
        )
    )


def _group_names(pk_set) -> list[str]:
    return sorted(Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True))


def _cleared_links(instance, reverse: bool) -> list[tuple[str, str]]:
    if reverse:
        label = f"{instance.content_type.app_label}.{instance.codename}"
        return [(name, label) for name in instance.group_set.values_list("name", flat=True)]
    return [
        (instance.name, f"{app}.{codename}")
        for app, codename in instance.permissions.values_list("content_type__app_label", "codename")
    ]


def _scope_changed(sender, instance, **kwargs):
    created = kwargs.get("created")
    action = "deleted" if "created" not in kwargs else ("created" if created else "changed")
    security_event(
        "scope_changed",
        target_user=getattr(instance.user, "username", None),
        action=action,
        role=getattr(instance, "role", None),
        scope={"region": instance.region_id, "organisation": instance.organisation_id},
    )


def _connect_scope_receivers() -> None:
    from sites.models import UserScope

    post_save.connect(_scope_changed, sender=UserScope, dispatch_uid="security_log_scope_save")
    post_delete.connect(_scope_changed, sender=UserScope, dispatch_uid="security_log_scope_del")


_connect_scope_receivers()
