"""A shared cache of whole public responses (study list and detail, finder pages, FHIR).

An entry is keyed by the request's normalised query (sorted parameters), its language, host and
``Accept`` header, and holds the token of the public change stamp it was made under: after any
change to what the public sees the token differs, so the entry is made again at once. It lives in
Django's cache (Redis through ``CACHE_URL`` in production, shared by every web node; local memory
in the demo). The entry, the kept stamp and the client's rate-limit counter are read in one round
trip to Redis; a process serves its own copy of an entry it served lately (``near_cache``) while the
stamp's token is the one it was made under, so that the round trip carries no page.

A view opts in with ``public_response_cache(stamp)`` (a function view) or ``response_cache`` on a
public API class (``True``: its ``change_stamp``, or a stamp function of its own). ``PublicResponseCacheMiddleware``
then, for a GET, answers a conditional request from the cached ``ETag`` before any work, serves a
cached copy without running the view, or stores what the view made. Never stored: anything but a
complete 200, a response to a request with a session cookie (a signed-in user may be shown more),
one that read the session or the CSRF token, sets a cookie, varies by cookie or is not
``Cache-Control: public``. A signed-in user is still served what the public was.

A search's count (the bounded count of a list, FHIR's exact ``total``) is kept the same way, under
the search (its parameters, or its SQL) and the stamp (``public_count``), so the pages of a search
count once.

The stamp itself is read once per request (``sites.api.caching.read_stamp``), from the database
unless ``PUBLIC_CACHE_STAMP_SECONDS`` is above zero: then it is kept that long in the cache too (a
cached response costs no query, nor does an ``ETag``), and every save or deletion of a row the stamp
reads forgets it at once (``stamp_forget``); only a bulk write elsewhere waits out those seconds.
"""

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import cc_delim_re
from django.utils.http import parse_http_date_safe

from sites.api.caching import (
    Stamp,
    read_stamp,
    request_not_modified,
    stamp_fetched,
    stamp_key,
    stamp_known,
    stamps_kept,
    stamps_read_once,
)
from sites.api.throttling import PublicAnonThrottle, counted_already, note_counted

from .cache import get_many_and_count
from .near_cache import NearCopies
from .reference_cache import rows_read_once

KEY_PREFIX = "public-response:"
COUNT_PREFIX = "public-count:"
_REQUEST_KEY = "_public_response_cache_key"
_SESSION_SEEN = "_public_response_cache_session_seen"
NEAR = NearCopies()
"""This process's copies of the responses it served last (``near_cache``)."""
# What a 304 repeats of the full answer (RFC 9110 15.4.5), as the views do.
NOT_MODIFIED_HEADERS = ("ETag", "Last-Modified", "Cache-Control", "Vary", "Content-Language")


def public_response_cache(stamp: Stamp, *, throttled: bool = False):
    """Mark a function view as a cacheable public response keyed by ``stamp``. ``throttled``: the
    view applies the public rate limit itself, so a cached answer counts against it too."""

    def mark(view):
        view.public_cache_stamp = stamp
        view.public_cache_throttled = throttled
        return view

    return mark


def _view_stamp(view_func) -> tuple[Stamp | None, bool]:
    stamp = getattr(view_func, "public_cache_stamp", None)
    if stamp is not None:
        return stamp, bool(getattr(view_func, "public_cache_throttled", False))
    cached = getattr(getattr(view_func, "cls", None), "response_cache", False)  # a DRF view
    if callable(cached):
        return cached, True
    if cached:
        return view_func.cls.change_stamp, True
    return None, False


def stamp_forget(stamp: Stamp) -> None:
    """Something the stamp reads has changed: read it from the database on the next request."""
    if settings.PUBLIC_CACHE_STAMP_SECONDS > 0:
        cache.delete(stamp_key(stamp))


def public_count(
    queryset: QuerySet[Any], stamp: Stamp, *, limit: int | None = None, search: str | None = None
) -> int:
    """The number of rows of a public search (up to ``limit``), counted once per search and public
    change: kept in the shared cache under the search and the stamp's token, so every page of one
    search (and everyone making it) shares one count, and any change counts afresh. ``search``
    names the search (a list's path and filter parameters), which spares compiling the query to
    find its count; without it, the query's SQL names it."""
    counted = None
    if search is None:
        counted = queryset.order_by().values("pk")[:limit]
        sql, params = counted.query.sql_with_params()
        search = f"{sql}\n{params!r}"
    raw = f"{read_stamp(stamp)[1]}\n{limit}\n{search}"
    key = COUNT_PREFIX + hashlib.sha256(raw.encode()).hexdigest()
    total = cache.get(key)
    if total is None:
        if counted is None:
            counted = queryset.order_by().values("pk")[:limit]
        total = counted.count()
        cache.set(key, total, max(settings.PUBLIC_RESPONSE_CACHE_SECONDS, 60))
    return total


def request_key(request: HttpRequest) -> str:
    """The cache key of a GET: path, sorted parameters, language, host, Accept."""
    params = sorted((name, value) for name in request.GET for value in request.GET.getlist(name))
    parts = [
        request.scheme or "",
        request.get_host(),
        request.path,
        repr(params),
        translation.get_language() or "",
        request.META.get("HTTP_ACCEPT", ""),
    ]
    return KEY_PREFIX + hashlib.sha256("\n".join(parts).encode()).hexdigest()


Entry = tuple[str, int, list[tuple[str, str]], bytes]


def read_ahead(
    request: HttpRequest, stamp: Stamp | None, *, keys: Sequence[str] = (), throttled: bool = True
) -> tuple[dict[str, Any], bool]:
    """What a public request reads from the shared cache before its work, in one round trip:
    ``keys``, the kept ``stamp`` (unless read already; then read once for the whole request) and,
    when ``throttled``, the client's count under the public rate limit (counted once for the whole
    request: ``note_counted``). Returns what was found under ``keys`` and whether the client is
    over the limit."""
    wanted = list(keys)
    stamp_wanted = stamp is not None and stamps_kept() and not stamp_known(stamp)
    if stamp_wanted:
        wanted.append(stamp_key(cast(Stamp, stamp)))
    throttle = PublicAnonThrottle() if throttled else None
    counter = throttle.counter(request) if throttle is not None else None
    if counter is not None and counted_already(request, counter[0]):
        counter = None
    found, count = get_many_and_count(cache, wanted, counter) if wanted or counter else ({}, 0)
    over_limit = False
    if throttle is not None and counter is not None:
        note_counted(request, counter[0], count)
        over_limit = not throttle.allows(count)
    if stamp_wanted:
        stamp_fetched(cast(Stamp, stamp), found.get(wanted[-1]))
    return found, over_limit


def _lookup(
    request: HttpRequest, key: str, stamp: Stamp, *, throttled: bool
) -> tuple[Entry | None, str, bool]:
    """The entry kept under ``key``, the stamp's token now, and whether the client is over the
    public rate limit, in one round trip (``read_ahead``). The process's own copy of the entry
    (``near_cache``) is served when it was made under the token now: then the round trip reads
    only the stamp and the counter."""
    near = NEAR.get(key)
    found, over_limit = read_ahead(
        request, stamp, keys=[] if near is not None else [key], throttled=throttled
    )
    token = read_stamp(stamp)[1]
    if near is not None:
        if near[0] == token:
            return near, token, over_limit
        found = cache.get_many([key])  # made before a change: another process may have a newer one
    entry = found.get(key)
    if entry is not None and entry[0] == token:
        _keep_near(key, entry)
    return entry, token, over_limit


def _keep_near(key: str, entry: Entry) -> None:
    NEAR.put(key, entry, len(entry[3]) + sum(len(n) + len(v) for n, v in entry[2]))


def _from_entry(entry: Entry) -> HttpResponse:
    _token, status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.accessed:
        return False  # the view read the session: the page depends on who asks
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    vary = {v.lower() for v in cc_delim_re.split(response.get("Vary", "")) if v}
    control = {v.lower() for v in cc_delim_re.split(response.get("Cache-Control", "")) if v}
    return "cookie" not in vary and "public" in control and "private" not in control


class PublicResponseCacheMiddleware:
    """Serve and store public responses; see the module docstring. Put it last in MIDDLEWARE, so
    that what it stores is what the view made and everything else is added on every response."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with stamps_read_once(), rows_read_once():
            response = self.get_response(request)
        watched = getattr(request, _REQUEST_KEY, None)
        if watched is None:
            return response
        key, token = watched
        storable = _storable(request, response)
        session = getattr(request, "session", None)
        if session is not None:
            session.accessed = session.accessed or getattr(request, _SESSION_SEEN)
        if storable:
            headers = [(n, v) for n, v in response.items() if n.lower() != "set-cookie"]
            entry = (token, response.status_code, headers, response.content)
            cache.set(key, entry, settings.PUBLIC_RESPONSE_CACHE_SECONDS)
            _keep_near(key, entry)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.method != "GET" or settings.PUBLIC_RESPONSE_CACHE_SECONDS <= 0:
            return None
        stamp, throttled = _view_stamp(view_func)
        if stamp is None:
            return None
        key = request_key(request)
        entry, token, over_limit = _lookup(request, key, stamp, throttled=throttled)
        if entry is None or entry[0] != token:
            # A miss (or an entry from before the last change): the view runs and the result is
            # stored.
            if settings.SESSION_COOKIE_NAME not in request.COOKIES:
                self._watch_view(request, (key, token))  # only what an anonymous visitor saw
            return None
        if over_limit:
            return None  # the view answers 429 in its own format
        return self._answer(request, entry)

    @staticmethod
    def _watch_view(request: HttpRequest, watched: tuple[str, str]) -> None:
        """Remember where to store the view's answer and under which stamp token (``watched``),
        and whether the view itself reads the session (the middleware before it may already
        have: the sign-in timeout does)."""
        setattr(request, _REQUEST_KEY, watched)
        session = getattr(request, "session", None)
        if session is not None:
            setattr(request, _SESSION_SEEN, session.accessed)
            session.accessed = False

    @staticmethod
    def _answer(request: HttpRequest, entry: Entry) -> HttpResponse:
        """The cached copy, or 304 when the client's copy is the same (``ETag``/dates)."""
        response = _from_entry(entry)
        etag = response.get("ETag")
        conditional = (
            "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META
        )
        if etag is None or not conditional:
            return response
        since = parse_http_date_safe(response.get("Last-Modified", ""))
        modified = datetime.fromtimestamp(since, UTC) if since is not None else None
        if not request_not_modified(request, (etag, modified)):
            return response
        not_modified = HttpResponseNotModified()
        for name in NOT_MODIFIED_HEADERS:
            if name in response:
                not_modified[name] = response[name]
        return not_modified
