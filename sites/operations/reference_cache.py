"""Small reference tables that every public page reads (regions, municipalities, HRCS health
categories), kept as plain rows in the shared cache.

The finder's select lists and the public filters' code lookups read them on every request; from the
cache that is one small read instead of a query each, and one per request whatever reads them
(``rows_read_once``, entered for every request by the public response cache's middleware). Every
save or deletion of a row of the table forgets its cached rows, at once and again when it commits;
``REFERENCE_CACHE_SECONDS`` bounds how long a write that sends no signal (a bulk write) can go
unseen.

    REGION_ROWS = ReferenceRows("by-name", Region.objects.order_by("name"), "id", "code", "name")
    REGION_ROWS.rows()  # [(1, "helse-midt-norge", "Helse Midt-Norge RHF"), …]
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model, QuerySet
from django.db.models.signals import post_delete, post_save

KEY_PREFIX = "reference-rows:"
REFERENCE_CACHE_SECONDS = 600


class ReferenceRows:
    """The rows (tuples of ``fields``) of ``queryset``, from the shared cache when they are there."""

    def __init__(self, name: str, queryset: QuerySet[Any], *fields: str) -> None:
        self.key = f"{KEY_PREFIX}{queryset.model._meta.label_lower}:{name}"
        self.queryset = queryset
        self.fields = fields
        for signal in (post_save, post_delete):
            signal.connect(
                self._forget, sender=queryset.model, weak=False, dispatch_uid=f"forget:{self.key}"
            )

    def rows(self) -> list[tuple[Any, ...]]:
        (rows,) = rows_of(self)
        return rows

    def read(self) -> list[tuple[Any, ...]]:
        """From the database, into the cache."""
        rows = list(self.queryset.values_list(*self.fields))
        cache.set(self.key, rows, REFERENCE_CACHE_SECONDS)
        return rows

    def forget(self) -> None:
        cache.delete(self.key)
        read = _READ.get()
        if read is not None:
            read.pop(self.key, None)

    def _forget(self, sender: type[Model], **kwargs: Any) -> None:
        # Now, and again once committed: a page read in between would have cached the old rows.
        self.forget()
        transaction.on_commit(self.forget)


_READ: ContextVar[dict[str, list[tuple[Any, ...]]] | None] = ContextVar(
    "reference_rows_read", default=None
)


@contextmanager
def rows_read_once() -> Iterator[None]:
    """Within the block (one request), each table's rows are read from the cache once, whatever
    reads them (the finder's select lists and the filters' code lookups)."""
    token = _READ.set({})
    try:
        yield
    finally:
        _READ.reset(token)


def rows_of(*references: ReferenceRows) -> list[list[tuple[Any, ...]]]:
    """The rows of each of ``references``: those not read yet in this request from the cache, in
    one read."""
    read = _READ.get()
    if read is None:
        read = {}
    missing = [reference for reference in references if reference.key not in read]
    if missing:
        cached = cache.get_many([reference.key for reference in missing])
        for reference in missing:
            read[reference.key] = cached.get(reference.key) or reference.read()
    return [read[reference.key] for reference in references]
