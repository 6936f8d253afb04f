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

On PostgreSQL the history tables and the consent ledger refuse UPDATE and DELETE (triggers made by
the migrations with ``protect_tables``). ``history_rewrite()`` is the one way past them, used only
by the erasure of a participant, which must remove personal data from the history as well.
"""

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar, Union, cast

from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.models import registered_models

from .locking import stale_error

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=models.Model)
User = Union["AbstractBaseUser", "AnonymousUser", None]  # noqa: UP007 (names known only to mypy)

_HELPERS = "sites.history.save_with_history / bulk_update_with_history / update_with_history"
# Read by the append-only trigger function: 'on' lets erasure rewrite history rows (PostgreSQL).
REWRITE_SETTING = "portefolje.history_rewrite"
PROTECT_FUNCTION = "portefolje_refuse_rewrite"
_audited_write: ContextVar[bool] = ContextVar("audited_write", default=False)


class AuditBypassError(PermissionError):
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
    for field in getattr(history, "_history_m2m_fields", None) or []:
        tables.append(getattr(history, field.name).model._meta.db_table)
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
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return cast("AbstractBaseUser", user)  # an authenticated user is never the AnonymousUser


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
    with ``sites.locking.StaleObjectError`` and nothing is written; a model without a ``version``
    has nothing to compare and ignores it.
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


def delete_with_history(obj: models.Model, *, user: User, reason: str) -> None:
    """Delete ``obj``; its history keeps a last row naming ``user`` and ``reason``."""
    model = type(obj)
    with transaction.atomic():
        _unstamp(obj)
        obj._change_reason = _reason(model, reason)  # type: ignore[attr-defined]
        obj._history_date = timezone.now()  # type: ignore[attr-defined]
        if _user(user) is not None:
            obj._history_user = user  # type: ignore[attr-defined]
        try:
            obj.delete()
        finally:
            _unstamp(obj)


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
                current = versions.get(obj.pk)
                obj.version = (obj.version if current is None else current) + 1  # type: ignore[attr-defined]
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


@contextmanager
def history_rewrite(*, why: str) -> Iterator[None]:
    """Let the statements inside rewrite history rows: erasure of a person only.

    On PostgreSQL this sets ``portefolje.history_rewrite`` for the rest of a savepoint, which the
    append-only triggers read; the setting ends with the block (and with a rollback). Elsewhere
    nothing guards history at the database, and this only logs.
    """
    with transaction.atomic():
        logger.info("history rewrite: %s", why)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [REWRITE_SETTING])
        yield
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', true)", [REWRITE_SETTING])


# The trigger function and the triggers are made by migrations (PostgreSQL only; nothing on SQLite).

PROTECT_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {PROTECT_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('{REWRITE_SETTING}', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% on % refused: history and the consent ledger are append-only',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Only erasure of a participant rewrites history (sites.history.history_rewrite).';
END
$$;
"""


def _trigger_name(table: str) -> str:
    return f"{table}_append_only"[:63]


def protect_tables(*tables: str):
    """A migration operation: the tables refuse UPDATE and DELETE (PostgreSQL; no-op elsewhere)."""
    from django.db import migrations

    def forward(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(PROTECT_FUNCTION_SQL, None)
        for table in tables:
            name = schema_editor.quote_name(_trigger_name(table))
            quoted = schema_editor.quote_name(table)
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quoted}", None)
            schema_editor.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {quoted} "
                f"FOR EACH ROW EXECUTE FUNCTION {PROTECT_FUNCTION}()",
                None,
            )

    def backward(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in tables:
            name = schema_editor.quote_name(_trigger_name(table))
            quoted = schema_editor.quote_name(table)
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quoted}", None)

    return migrations.RunPython(forward, backward, elidable=False)


def protected_tables() -> set[str]:
    """Tables that have the append-only trigger (PostgreSQL), for the test that checks them."""
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_proc p ON p.oid = t.tgfoid WHERE p.proname = %s AND NOT t.tgisinternal "
            "AND t.tgenabled <> 'D'",
            [PROTECT_FUNCTION],
        )
        return {row[0] for row in cursor.fetchall()}
