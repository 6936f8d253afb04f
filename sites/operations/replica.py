"""Public reads from a read replica (``DATABASE_REPLICA_URL``), everything else from the primary.

While the public page or endpoint of an anonymous GET runs (the public API, the study finder,
FHIR, statistics: every view that is a public API class or is marked with
``public_response_cache``), ``PublicReadRouter`` sends its reads to the ``replica`` database.
Everything else reads and writes the primary: the admin, the integration API, sponsors' pages,
every POST, Celery tasks and management commands (no request), and every request that carries a
session cookie — a coordinator who has just saved a study sees it on the public pages at once,
whatever the replica's lag. Writes always go to the primary; migrations run on the primary only
(the replica is a streaming copy of it).

Without ``DATABASE_REPLICA_URL`` there is no ``replica`` database and the router says nothing.
"""

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
_public_read: ContextVar[bool] = ContextVar("public_read", default=False)


def public_view(view_func) -> bool:
    """A view of the public side: a public API class, or a view marked cacheable for the public."""
    from sites.api.endpoints import PublicEndpointMixin

    cls = getattr(view_func, "cls", None)
    if cls is not None:
        return issubclass(cls, PublicEndpointMixin)
    return getattr(view_func, "public_cache_stamp", None) is not None


def replica_configured() -> bool:
    return REPLICA in connections.settings


def read_connection(model):
    """The connection the router reads ``model`` from, for raw SQL (the replica in a public
    request, so that raw and ORM reads of one page see the same copy)."""
    return connections[router.db_for_read(model)]


class PublicReadRouter:
    """Reads of a public request go to the replica (see the module docstring)."""

    def db_for_read(self, model, **hints) -> str | None:
        if _public_read.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints) -> str | None:
        # A row read from the replica is written back to the primary; otherwise Django decides.
        instance = hints.get("instance")
        if instance is not None and instance._state.db == REPLICA:
            return DEFAULT_DB_ALIAS
        return None

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        return db != REPLICA


class PublicReplicaMiddleware:
    """Marks the view of an anonymous public GET as reading from the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            token = getattr(request, "_public_read_token", None)
            if token is not None:
                _public_read.reset(token)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        if (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and replica_configured()
            and public_view(view_func)
        ):
            request._public_read_token = _public_read.set(True)  # type: ignore[attr-defined]
