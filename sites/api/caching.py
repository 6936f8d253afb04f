"""HTTP caching of public responses: ``ETag``/``Last-Modified`` from a change stamp, answered
with 304 when the client's copy is current."""

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils.http import http_date, parse_etags, parse_http_date_safe

CACHE_CONTROL = "public, max-age=60"

# A change stamp: ``(last_modified, token)`` of what the public sees.
StampValue = tuple[datetime | None, str]
Stamp = Callable[[], StampValue]


Validators = tuple[str, datetime | None]

_STAMPS_READ: ContextVar[dict[Stamp, StampValue] | None] = ContextVar(
    "public_stamps_read", default=None
)


@contextmanager
def stamps_read_once() -> Iterator[None]:
    """Within the block (one request), each stamp is read once: the response cache's key, the
    ``ETag`` and a search's count all use that reading."""
    token = _STAMPS_READ.set({})
    try:
        yield
    finally:
        _STAMPS_READ.reset(token)


STAMP_PREFIX = "public-stamps:"


def stamp_key(stamp: Stamp) -> str:
    return f"{STAMP_PREFIX}{stamp.__module__}.{stamp.__qualname__}"


def read_stamp(stamp: Stamp) -> StampValue:
    """The stamp: read once per request (inside ``stamps_read_once``) and, with
    ``PUBLIC_CACHE_STAMP_SECONDS`` above 0, kept that long in the shared cache (every save of a row
    it reads forgets it: ``response_cache.stamp_forget``)."""
    read = _STAMPS_READ.get()
    if read is not None and stamp in read:
        return read[stamp]
    return _remember(stamp, _kept(stamp, cache.get(stamp_key(stamp)) if stamps_kept() else None))


def stamp_known(stamp: Stamp) -> bool:
    """The stamp was read already in this request."""
    read = _STAMPS_READ.get()
    return read is not None and stamp in read


def stamp_fetched(stamp: Stamp, kept: StampValue | None) -> StampValue:
    """``read_stamp`` when the caller fetched the kept stamp itself (``kept``: what the cache held
    under ``stamp_key``, None when nothing), along with other keys in one round trip."""
    return _remember(stamp, _kept(stamp, kept))


def stamps_kept() -> bool:
    """The stamps are kept in the shared cache (``PUBLIC_CACHE_STAMP_SECONDS`` above 0)."""
    return settings.PUBLIC_CACHE_STAMP_SECONDS > 0


def _remember(stamp: Stamp, value: StampValue) -> StampValue:
    read = _STAMPS_READ.get()
    if read is not None:
        read[stamp] = value
    return value


def _kept(stamp: Stamp, value: StampValue | None) -> StampValue:
    seconds = settings.PUBLIC_CACHE_STAMP_SECONDS
    if seconds <= 0:
        return stamp()
    key = stamp_key(stamp)
    if value is None:
        value = stamp()
        cache.set(key, value, seconds)
    return value


def conditional_validators(request, *, stamp: Stamp, lang: str) -> Validators:
    """``(ETag, Last-Modified)`` of a public response: the change stamp, the URL and language."""
    last_modified, token = read_stamp(stamp)
    raw = f"{token}|{request.get_full_path()}|{lang}"
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"', last_modified


def _opaque_tag(tag: str) -> str:
    """An entity tag without its weakness mark and quotes: ``W/"x"`` and ``"x"`` are both ``x``."""
    return tag.removeprefix("W/").strip('"')


def request_not_modified(request, validators: Validators) -> bool:
    """The client's copy is current (``If-None-Match`` wins over ``If-Modified-Since``).

    ``If-None-Match`` uses the weak comparison (RFC 9110, 13.1.2): a proxy or a client that
    compressed the body hands back ``W/"…"``, and that copy is as current as ``"…"``.
    """
    etag, last_modified = validators
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = parse_etags(if_none_match)
        return "*" in tags or _opaque_tag(etag) in {_opaque_tag(tag) for tag in tags}
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return (
        since is not None and last_modified is not None and int(last_modified.timestamp()) <= since
    )


def set_validators(response, validators: Validators) -> None:
    etag, last_modified = validators
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())


class NotModified(Exception):
    """Raised before any work is done when the client's copy is current; answered with 304."""
