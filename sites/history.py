"""Writes to audited models: every change leaves a history row saying who, when, why and old → new.

Audited models are the models with django-simple-history's ``HistoricalRecords`` (the clinical
record and user scopes; ``audited_models()`` lists them). Their managers refuse
``QuerySet.update()`` and ``bulk_update()``, which would change rows and leave no history. Code that
changes them calls one of these instead:

- ``save_with_history``: one object, optionally guarded by the version its form was opened at;
- ``bulk_update_with_history``: many objects, one history row each;
- ``update_with_history``: "update what still matches" (claims, lifts), one history row per row.

All three stamp ``updated_at`` (the public ETag reads it) and bump ``version`` (optimistic
locking) where the model has them, and give every history row the user and the reason.
"""

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar, Union

from django.db import models, transaction
from django.utils import timezone
from simple_history.models import registered_models

from .locking import stale_error

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=models.Model)
User = Union["AbstractBaseUser", "AnonymousUser", None]  # noqa: UP007 (names known only to mypy)

_HELPERS = "sites.history.save_with_history / bulk_update_with_history / update_with_history"
_audited_write: ContextVar[bool] = ContextVar("audited_write", default=False)


class AuditBypassError(RuntimeError):
    """A bulk write to an audited model that would have changed rows without any history."""


def _refuse(model: type[models.Model], what: str) -> None:
    if not _audited_write.get():
        raise AuditBypassError(
            f"{model._meta.label}.objects.{what} writes no history and is refused on an audited "
            f"model. Use {_HELPERS} (with a user and a reason)."
        )


class AuditedQuerySet(models.QuerySet):
    """Refuses ``update()`` and ``bulk_update()`` except inside the helpers of this module."""

    def update(self, **kwargs: Any) -> int:
        _refuse(self.model, "update()")
        return super().update(**kwargs)

    def bulk_update(self, objs: Iterable[models.Model], fields: Any, batch_size=None) -> int:
        _refuse(self.model, "bulk_update()")
        return super().bulk_update(objs, fields, batch_size=batch_size)


class AuditedManager(models.Manager.from_queryset(AuditedQuerySet)):  # type: ignore[misc]
    """The default and base manager of every audited model (``Meta.base_manager_name``)."""


@contextmanager
def _bypass() -> Iterator[None]:
    token = _audited_write.set(True)
    try:
        yield
    finally:
        _audited_write.reset(token)


def audited_models() -> list[type[models.Model]]:
    """Every model with history, in a stable order (auto-created m2m tables left out)."""
    models_ = {m for m in registered_models.values() if not m._meta.auto_created}
    return sorted(models_, key=lambda m: m._meta.label)


def history_tables(model: type[models.Model]) -> list[str]:
    """The history table of ``model`` and those of its tracked many-to-many fields."""
    history = model.history.model  # type: ignore[attr-defined]
    tables = [history._meta.db_table]
    for field in getattr(model._meta, "historical_m2m_fields", None) or []:
        tables.append(getattr(history, field.name).rel.through._meta.db_table)
    return tables


def _names(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def _reason(model: type[models.Model], reason: str) -> str:
    """The reason as stored: stripped and cut to the history column's length (100 by default)."""
    limit = model.history.model._meta.get_field("history_change_reason").max_length  # type: ignore[attr-defined]
    reason = str(reason or "").strip()
    return reason[: limit - 1] + "…" if limit and len(reason) > limit else reason


def _unstamp(obj: models.Model) -> None:
    for attr in ("_change_reason", "_history_user", "_history_date"):
        obj.__dict__.pop(attr, None)


def _user(user: User) -> "AbstractBaseUser | None":
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _next_versions(model: type[models.Model], pks: list[Any]) -> dict[Any, int]:
    """Lock the rows and read their versions (so two writers never bump from the same one)."""
    rows = model._base_manager.select_for_update().filter(pk__in=pks).values_list("pk", "version")
    return dict(rows)


def save_with_history(
    obj: M,
    *,
    user: User,
    reason: str,
    update_fields: Iterable[str] | None = None,
    expected_version: int | None = None,
) -> M:
    """Save ``obj`` with one history row naming ``user`` and ``reason``.

    Stamps ``updated_at`` and, for an existing row, bumps ``version``. With ``expected_version``
    (the version the user's form was opened at) a row someone else saved in between is refused
    with ``sites.locking.StaleObjectError`` and nothing is written.
    """
    model = type(obj)
    names = _names(model)
    fields = None if update_fields is None else set(update_fields)
    now = timezone.now()
    with transaction.atomic():
        if "updated_at" in names:
            obj.updated_at = now  # type: ignore[attr-defined]
            if fields is not None:
                fields.add("updated_at")
        if "version" in names and not obj._state.adding and obj.pk is not None:
            current = _next_versions(model, [obj.pk]).get(obj.pk)
            if expected_version is not None and current != expected_version:
                raise stale_error(obj)
            if current is not None:
                obj.version = current + 1  # type: ignore[attr-defined]
                if fields is not None:
                    fields.add("version")
        _unstamp(obj)
        obj._change_reason = _reason(model, reason)  # type: ignore[attr-defined]
        obj._history_date = now  # type: ignore[attr-defined]
        if _user(user) is not None:
            obj._history_user = user  # type: ignore[attr-defined]
        try:
            obj.save(update_fields=fields)
        finally:
            _unstamp(obj)
    return obj


def bulk_update_with_history(
    objs: Iterable[M],
    fields: Iterable[str],
    *,
    user: User,
    reason: str,
    batch_size: int = 500,
) -> int:
    """Write ``fields`` of every object in few statements, and one history row per object.

    Stamps ``updated_at`` and bumps ``version`` of each row (both are added to ``fields``).
    Returns the number of rows updated.
    """
    objs = list(objs)
    if not objs:
        return 0
    model = type(objs[0])
    names = _names(model)
    fields = list(dict.fromkeys(fields))
    now = timezone.now()
    with transaction.atomic():
        if "updated_at" in names:
            for obj in objs:
                obj.updated_at = now  # type: ignore[attr-defined]
            if "updated_at" not in fields:
                fields.append("updated_at")
        if "version" in names:
            versions = _next_versions(model, [obj.pk for obj in objs])
            for obj in objs:
                obj.version = versions.get(obj.pk, obj.version) + 1  # type: ignore[attr-defined]
            if "version" not in fields:
                fields.append("version")
        for obj in objs:
            _unstamp(obj)
        with _bypass():
            updated = model._default_manager.bulk_update(objs, fields, batch_size=batch_size)
        model.history.bulk_history_create(  # type: ignore[attr-defined]
            objs,
            batch_size=batch_size,
            update=True,
            default_user=_user(user),
            default_change_reason=_reason(model, reason),
            default_date=now,
        )
    return updated


def update_with_history(
    queryset: models.QuerySet, *, user: User, reason: str, values: dict[str, Any]
) -> int:
    """Set ``values`` on every row that (still) matches ``queryset``, with history; returns how many.

    The rows are locked first, so on PostgreSQL a row changed by someone else in the meantime is
    checked against the filter again and left out when it no longer matches – a guarded update,
    as a conditional ``UPDATE … WHERE`` would be, but one that writes history.
    """
    with transaction.atomic():
        objs = list(queryset.select_for_update(of=("self",)).order_by("pk"))
        for obj in objs:
            for name, value in values.items():
                setattr(obj, name, value)
        return bulk_update_with_history(objs, values.keys(), user=user, reason=reason)


def bulk_create_with_history(
    objs: Iterable[M], *, user: User, reason: str, batch_size: int = 500
) -> list[M]:
    """Insert many objects and one "created" history row for each."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    now = timezone.now()
    with transaction.atomic():
        created = model._default_manager.bulk_create(objs, batch_size=batch_size)
        model.history.bulk_history_create(  # type: ignore[attr-defined]
            created,
            batch_size=batch_size,
            default_user=_user(user),
            default_change_reason=_reason(model, reason),
            default_date=now,
        )
    return created
