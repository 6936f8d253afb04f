"""A Redis cache that degrades to "no cache" while Redis is down, instead of failing requests.

Only throttling counters and caches live here; sessions, lockouts and pending work are in the database.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
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


class TolerantRedisCache(RedisCache):
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
