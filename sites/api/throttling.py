"""The public rate limit: per client address as the trusted proxies saw it, answered with 429
and ``Retry-After`` in the language of the request.

The limit counts requests in fixed windows (``600/min``: at most 600 in each clock minute) with one
counter per address and window in the shared cache. DRF's own throttle keeps every request's time in
a list it reads and writes back whole on each request, so its cost grows with the rate allowed; a
counter costs the same at any rate.
"""

import math
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from rest_framework import throttling
from rest_framework.exceptions import Throttled

from sites.operations.cache import count_in_window
from sites.security.addresses import client_address

_COUNTED = "_public_rate_counted"


def note_counted(request: HttpRequest, key: str, count: int) -> None:
    """The request was counted under ``key`` already (``count`` in its window): the throttle of
    the view it reaches takes that count instead of counting again."""
    request.__dict__.setdefault(_COUNTED, {})[key] = count


def counted_already(request: HttpRequest, key: str) -> bool:
    return key in getattr(request, _COUNTED, {})


class ClientAddressThrottle(throttling.AnonRateThrottle):
    """Anonymous rate limit keyed on the client's address as the trusted proxies saw it.

    DRF's own reading takes a client's ``X-Forwarded-For`` at its word when no proxy count is set,
    so a made-up header would start a fresh budget; ``client_address`` ignores what the client
    wrote and takes the entry the proxies added (``TRUSTED_PROXY_COUNT``).
    """

    num_requests: int  # from the rate, set by DRF's __init__
    duration: int

    def get_ident(self, request) -> str:
        return client_address(request=request) or ""

    def counter(self, request: Any, view: Any = None) -> tuple[str, int] | None:
        """The key of the request's counter in the current window and how long it lives; None
        without a limit."""
        if self.rate is None:
            return None
        key = self.get_cache_key(request, view)
        if key is None:
            return None
        now = self.timer()
        window = int(now // self.duration)
        self.window_ends_at = (window + 1) * self.duration
        self.now = now
        return f"{key}:{window}", self.duration + 1

    def allow_request(self, request: Any, view: Any) -> bool:
        counter = self.counter(request, view)
        if counter is None:
            return True
        # This request's number in its window (0 while the cache is down: then no limit), unless
        # the response cache counted it already.
        counted = getattr(getattr(request, "_request", request), _COUNTED, {})
        count = counted.pop(counter[0], None)
        if count is None:
            count = count_in_window(self.cache, *counter)
        return self.allows(count)

    def allows(self, count: int) -> bool:
        return count <= self.num_requests

    def wait(self) -> float:
        return max(0.0, self.window_ends_at - self.now)


class PublicAnonThrottle(ClientAddressThrottle):
    """Per-address rate limit for the public; DRF answers 429 with ``Retry-After``.

    Public endpoints sign in nobody, so everyone is limited by address (also a back-office user
    with a session, on the plain Django views such as FHIR that share this limit).
    """

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_plain_request(self, request: HttpRequest) -> bool:
        """The same limit for a plain Django view (FHIR, a cached answer), which has neither a DRF
        request nor a view: the key reads only the client's address."""
        return self.allow_request(request, None)


class PublicThrottled(Throttled):
    """429 in the language of the request, whole: DRF's own adds an English sentence to the
    Norwegian one."""

    def __init__(self, wait: float | None) -> None:
        super().__init__(detail=throttled_message(wait))
        self.wait = None if wait is None else math.ceil(wait)


def throttled_message(wait: float | None) -> str:
    message = gettext("For mange forespørsler.")
    if wait is None:
        return message
    seconds = max(1, math.ceil(wait))
    again = ngettext(
        "Prøv igjen om %(seconds)d sekund.", "Prøv igjen om %(seconds)d sekunder.", seconds
    )
    return f"{message} {again % {'seconds': seconds}}"
