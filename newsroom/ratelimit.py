"""Counting requests in Django's cache: one fixed window per key and period.

Simple, one cache round trip after the first hit, shared by every app server
through the cache (Redis in production). Callers put salted hashes in keys,
never an address. The newsletter's sign-ups and the desk's password resets
are counted here.
"""

import time

from django.core.cache import cache
from django.utils.crypto import salted_hmac

HOUR = 3600
DAY = 24 * HOUR


def hashed(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of ``value`` keyed with SECRET_KEY: stable, not reversible."""
    return salted_hmac(purpose, value, algorithm="sha256").hexdigest()


def hit(key: str, *, limit: int, period: int) -> tuple[bool, int]:
    """Count one hit on ``key``; (allowed, seconds until the window ends)."""
    now = time.time()
    window = int(now // period)
    retry_after = max(1, int((window + 1) * period - now))
    cache_key = f"ratelimit:{key}:{period}:{window}"
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the key expired between add() and incr()
        cache.add(cache_key, 1, timeout=period)
        count = 1
    return count <= limit, retry_after
