"""A Redis cache that degrades to "no cache" while Redis is down, instead of failing requests.

Only throttling counters and caches live here; sessions, lockouts and pending work are in the database.
"""

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.connection import ConnectionProxy
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


def _tolerant(default):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except _ERRORS as exc:
                logger.warning("cache unavailable (%s): %s", method.__name__, exc)
                return default(args, kwargs) if callable(default) else default

        return wrapper

    return decorate


def _get_default(args, kwargs):
    return kwargs.get("default", args[1] if len(args) > 1 else None)


class _OneClientPerPool(RedisCacheClient):
    """Django's client makes a new ``redis.Redis`` for every cache operation, copying its hundred
    and seventy response callbacks one by one; a client is only a handle on its connection pool
    (and safe to share), so one per pool is kept."""

    # Django's own attributes, which its type stubs leave out.
    _client: Any
    _get_connection_pool: Callable[[bool], Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _OneClientPerPool

    get = _tolerant(_get_default)(RedisCache.get)
    set = _tolerant(None)(RedisCache.set)
    add = _tolerant(False)(RedisCache.add)
    touch = _tolerant(False)(RedisCache.touch)
    delete = _tolerant(False)(RedisCache.delete)
    get_many = _tolerant({})(RedisCache.get_many)
    set_many = _tolerant([])(RedisCache.set_many)
    delete_many = _tolerant(None)(RedisCache.delete_many)
    has_key = _tolerant(False)(RedisCache.has_key)
    incr = _tolerant(None)(RedisCache.incr)
    clear = _tolerant(False)(RedisCache.clear)


def count_in_window(cache: BaseCache, key: str, seconds: int) -> int:
    """Add one to the counter ``key``, which lives ``seconds`` from its first count, and return
    it (0 while Redis is down). In Redis one round trip (``SET NX EX`` and ``INCR`` pipelined);
    in any other cache (the demo's local memory) an ``incr``, or an ``add`` for the first."""
    if isinstance(cache, ConnectionProxy):  # ``django.core.cache.cache``
        cache = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(cache, TolerantRedisCache):
        return _redis_count(cache, key, seconds)
    try:
        return cache.incr(key) or 0
    except ValueError:  # the first count
        if cache.add(key, 1, seconds):
            return 1
        return cache.incr(key) or 0


def get_many_and_count(
    cache: BaseCache, keys: list[str], counter: tuple[str, int] | None
) -> tuple[dict[str, Any], int]:
    """The values found under ``keys``, and, given a ``counter`` (key, seconds), that counter
    counted once more as by ``count_in_window`` (else 0). In Redis one round trip (``MGET``,
    ``SET NX EX`` and ``INCR`` pipelined); in any other cache a ``get_many`` and a count."""
    if isinstance(cache, ConnectionProxy):  # ``django.core.cache.cache``
        cache = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(cache, TolerantRedisCache):
        return _redis_get_many_and_count(cache, keys, counter)
    found = cache.get_many(keys)
    return found, count_in_window(cache, *counter) if counter else 0


@_tolerant(lambda _args, _kwargs: ({}, 0))
def _redis_get_many_and_count(
    cache: TolerantRedisCache, keys: list[str], counter: tuple[str, int] | None
) -> tuple[dict[str, Any], int]:
    made = {cache.make_and_validate_key(key): key for key in keys}
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]  # Django's own client, not in the stubs
    pipe = client.pipeline(transaction=False)
    pipe.mget(list(made))
    if counter:
        counter_key, seconds = counter
        counter_key = cache.make_and_validate_key(counter_key)
        pipe.set(counter_key, 0, ex=seconds, nx=True)
        pipe.incr(counter_key)
    values, *counted = pipe.execute()
    loads = cache._cache._serializer.loads  # type: ignore[attr-defined]  # as Django's get_many
    pairs = zip(made, values, strict=True)
    found = {made[key]: loads(value) for key, value in pairs if value is not None}
    return found, int(counted[-1]) if counted else 0


@_tolerant(0)
def _redis_count(cache: TolerantRedisCache, key: str, seconds: int) -> int:
    key = cache.make_and_validate_key(key)
    client = cache._cache.get_client(key, write=True)  # type: ignore[attr-defined]  # Django's own client, not in the stubs
    pipe = client.pipeline(transaction=False)
    pipe.set(key, 0, ex=seconds, nx=True)
    pipe.incr(key)
    _created, count = pipe.execute()
    return int(count)
