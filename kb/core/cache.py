"""The shared cache as a help, never a dependency.

What the site keeps in the cache (rendered articles, the status page and its
feed, charts, response-time figures) can always be made again. With the
cache's Redis down (``KB_CACHE_URL``), these helpers make it again on every
request and log ``cache_unavailable``, so that the fixes and the status page
still answer while ``/readyz`` reports the cache.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

T = TypeVar("T")


def cached(key: str, make: Callable[[], T], timeout: float) -> T:
    """The value kept under ``key``, or ``make()``'s, kept for ``timeout`` seconds."""
    try:
        value = cache.get(key)
    except RedisError as exc:
        _unavailable("get", key, exc)
        return make()
    if value is None:
        value = make()
        try:
            cache.set(key, value, timeout)
        except RedisError as exc:
            _unavailable("set", key, exc)
    return value


def cache_forget(key: str) -> None:
    """Drop ``key`` so that the next reader makes it again."""
    try:
        cache.delete(key)
    except RedisError as exc:
        # Nothing was kept while the cache is down, or it ends within its timeout.
        _unavailable("delete", key, exc)


def _unavailable(operation: str, key: str, exc: Exception) -> None:
    log.warning("cache_unavailable op=%s key=%s reason=%r", operation, key, str(exc)[:200])
