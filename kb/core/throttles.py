"""Rate limits for the expensive endpoints, shared by the API and the pages.

A limited endpoint counts each request in two buckets of its scope, with
DRF's throttling (cache counters, 429 with ``Retry-After``):

- per client: the signed-in user (browser session or API token) wherever
  they come from, else the address. Rate: the scope's entry in
  ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (``KB_<SCOPE>_RATE``).
- per address: everyone behind one address together, signed in or not, so
  that many accounts do not get around the first limit. Rate: the
  ``<scope>_address`` entry (``KB_<SCOPE>_ADDRESS_RATE``), softer, since an
  office behind one NAT address shares it; without an entry, no such limit.

With the cache on Redis (``KB_CACHE_URL``), where several nodes count the
same client, each bucket is a sorted set of request times in Redis, checked
and added to by one script for all the buckets of a request: one round trip
instead of a read and a write per bucket, and atomic, so two nodes never
both let in the request that fills a window (DRF's read-then-write lets in
every request that reads the count before another writes it). Should Redis
not answer, the request is let through and the log says so
(``throttle_uncounted``): a limit is protection, not a reason to refuse
every customer.

The address is ``kb.core.addresses.client_address``: ``X-Forwarded-For`` is
only believed from ``KB_TRUSTED_PROXIES``. An app names its throttle by
scope (``kb/search/throttles.py``); APIs list it in ``throttle_classes``,
HTML views call ``throttle_wait`` and answer 429 themselves.
"""

from __future__ import annotations

import logging
import time
import uuid
from array import array
from collections.abc import Iterable
from typing import cast

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from kb.core.addresses import client_address

log = logging.getLogger(__name__)


class _Bucket(SimpleRateThrottle):
    """One counter of a scope; the rate is read on every request, so a
    changed setting (or a test's override) applies at once."""

    def __init__(self, *, scope: str, rate: str | None, ident: str):
        self.scope = scope
        self.rate = rate
        self.ident = ident
        if rate is None:
            self.num_requests, self.duration = None, None
        else:
            self.num_requests, self.duration = self.parse_rate(rate)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.ident}

    def allow_request(self, request, view):
        # Counted for DRF's requests and for HTML views' Django requests alike
        # (the key is the bucket's own, not read from the request or view).
        return super().allow_request(request, view)

    def throttle_success(self) -> bool:
        # The window's request times as an array of floats: the cache pickles
        # it as one block of bytes, where DRF's list costs a float object each
        # way: with 600 times in it (the address limit), 18 microseconds a
        # request against 4. DRF only indexes, pops and inserts into it.
        if not isinstance(self.history, array):
            self.history = array("d", self.history)  # type: ignore[assignment]
        return super().throttle_success()


# KEYS: the buckets' sorted sets. ARGV: the time now, this request's member
# (unique), then each bucket's limit and window in seconds. Returns, per
# bucket, "" where it counted the request, else the seconds until it would
# (as a string: Redis truncates a number a script returns to an integer).
_SLIDING_LOG = """
local now = tonumber(ARGV[1])
local waits = {}
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i + 1])
  local window = tonumber(ARGV[2 * i + 2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local counted = redis.call('ZCARD', key)
  if counted < limit then
    redis.call('ZADD', key, now, ARGV[2])
    redis.call('EXPIRE', key, window)
    waits[i] = ''
  else
    local wait = window
    local last_to_leave = redis.call('ZRANGE', key, counted - limit, counted - limit,
                                     'WITHSCORES')
    if last_to_leave[2] then wait = window - (now - tonumber(last_to_leave[2])) end
    waits[i] = tostring(wait)
  end
end
return waits
"""
# Not DRF's key: a window counted by DRF before the cache moved to Redis is
# a pickled list under that one, and would make the script fail.
SLIDING_LOG_KEY = "throttle_log_%(scope)s_%(ident)s"
_sliding_log_script = None


def _count_in_redis(backend: RedisCache, buckets: list[_Bucket]) -> list[float]:
    """Count a request in ``buckets`` on Redis; the waits of those refusing it."""
    global _sliding_log_script
    keys = [backend.make_and_validate_key(
        SLIDING_LOG_KEY % {"scope": bucket.scope, "ident": bucket.ident}) for bucket in buckets]
    # The node's clock, as DRF's: nodes keep time with NTP, within
    # milliseconds of each other against windows of a minute or more.
    args: list[float | str] = [time.time(), uuid.uuid4().hex]
    for bucket in buckets:
        args += [cast(int, bucket.num_requests), cast(int, bucket.duration)]
    try:
        # Django's Redis cache has no public way to its client: writes go to
        # the first server of LOCATION, as this cache's own writes do.
        client = backend._cache.get_client(write=True)
        if _sliding_log_script is None:
            _sliding_log_script = client.register_script(_SLIDING_LOG)
        waits = _sliding_log_script(keys=keys, args=args, client=client)
    except RedisError as exc:  # Redis down or refusing: let the request through
        log.warning("throttle_uncounted scopes=%s reason=%r",
                    ",".join(str(bucket.scope) for bucket in buckets), str(exc)[:200])
        return []
    return [float(wait) for wait in waits if wait]


class ScopedThrottle(BaseThrottle):
    """Per client and per address; subclasses set ``scope``."""

    scope: str = ""

    def _buckets(self, request) -> list[_Bucket]:
        rates = cast(dict[str, str | None], api_settings.DEFAULT_THROTTLE_RATES)
        if self.scope not in rates:
            raise ImproperlyConfigured(f"No throttle rate set for the {self.scope!r} scope.")
        address = client_address(request)
        user = getattr(request, "user", None)
        client = (f"user-{user.pk}" if user is not None and user.is_authenticated
                  else f"address-{address}")
        return [
            _Bucket(scope=self.scope, rate=rates[self.scope], ident=client),
            _Bucket(scope=f"{self.scope}_address", rate=rates.get(f"{self.scope}_address"),
                    ident=address),
        ]

    def applies_to(self, request) -> bool:
        """Whether this request is counted at all (all are, by default)."""
        return True

    def allow_request(self, request: Request | HttpRequest, view: APIView | None) -> bool:
        # HTML views pass a Django request and no view (throttle_wait).
        self._waits: list[float] = []
        if not self.applies_to(request):
            return True
        buckets = [bucket for bucket in self._buckets(request) if bucket.rate is not None]
        backend = caches["default"]
        if isinstance(backend, RedisCache):
            self._waits = _count_in_redis(backend, buckets) if buckets else []
            return not self._waits
        for bucket in buckets:
            # Like DRF with several throttles: each bucket that allows the
            # request counts it, even when another one refuses.
            if not bucket.allow_request(request, view):
                self._waits.append(bucket.wait() or 0.0)
        return not self._waits

    def wait(self) -> float | None:
        return max(self._waits) if self._waits else None

    def get_ident(self, request) -> str:
        return client_address(request)


def throttle_wait(request: HttpRequest, throttle_classes: Iterable[type[ScopedThrottle]]
                  ) -> float | None:
    """Count one request of an HTML view against each throttle.

    Returns None when every throttle allows it, else the seconds to wait
    until the longest of the refusing ones allows it again.
    """
    waits = []
    for throttle_class in throttle_classes:
        throttle = throttle_class()
        if not throttle.allow_request(request, None):
            waits.append(throttle.wait() or 0.0)
    return max(waits) if waits else None


def wait_minutes(seconds: float | None) -> int:
    """A wait in whole minutes for a message, at least one."""
    return max(1, -(-int(seconds or 60) // 60))


def limited_message(seconds: float | None) -> str:
    """What a page says when a limit refuses a request."""
    minutes = wait_minutes(seconds)
    return ngettext(
        "You have sent many requests in a short time. Please try again in %(minutes)d "
        "minute.",
        "You have sent many requests in a short time. Please try again in %(minutes)d "
        "minutes.", minutes) % {"minutes": minutes}


def retry_after(response: HttpResponse, seconds: float | None) -> HttpResponse:
    """Tell clients when to come back, as DRF does for the API."""
    response["Retry-After"] = str(int(seconds or 0) + 1)
    return response
