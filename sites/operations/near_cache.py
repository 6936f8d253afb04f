"""A web process's own copies of the public responses it served last, in front of the shared cache.

The shared cache (Redis) holds each public response once for every web node; a response is served
by reading it from there, which for a list page means sending its hundred kilobytes across on every
request. A process keeps the responses it served most recently (up to ``PUBLIC_RESPONSE_NEAR_BYTES``
in all, the least recently served let go first), each with the token of the public change stamp it
was made under. The stamp is still read from the shared cache on every request, so a copy is served
only while no change has been made since: a change anywhere makes every process's copies stale at
once, exactly as the shared entries. A copy is kept at most ``NEAR_SECONDS`` from when it was made or
read from the shared cache, so what does not change the stamp (a shared entry's expiry) is seen as
late as there, and ten seconds more.
"""

import time
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Any

from django.conf import settings

NEAR_SECONDS = 10.0


class NearCopies:
    """Entries by key, bounded in bytes (an entry's size is what ``size`` says of it)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: OrderedDict[str, tuple[Any, int, float]] = OrderedDict()
        self._bytes = 0
        self._lock = Lock()

    def get(self, key: str) -> Any | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            if found[2] <= self._clock():
                del self._entries[key]
                self._bytes -= found[1]
                return None
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key: str, entry: Any, size: int) -> None:
        limit = settings.PUBLIC_RESPONSE_NEAR_BYTES
        if size > limit // 4:
            return  # one answer never takes most of the room
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (entry, size, self._clock() + NEAR_SECONDS)
            self._bytes += size
            while self._bytes > limit:
                _key, (_entry, dropped, _expires) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    @property
    def size(self) -> int:
        return self._bytes
