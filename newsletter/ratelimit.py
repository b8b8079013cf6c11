"""Counting sign-ups in Django's cache: per IP address and per email address.

A fixed window per period (an hour, a day): simple, one cache round trip
after the first hit, shared by every app server through the cache (Redis in
production). Keys hold salted hashes, never an IP or email address.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

HOUR = 3600
DAY = 24 * HOUR
# Confirmation emails to one address per day, whoever asks: a form that mails
# any address it is given must not become a way to flood someone's inbox.
CONFIRMATIONS_PER_ADDRESS_PER_DAY = 3


def hashed(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of ``value`` keyed with SECRET_KEY: stable, not reversible."""
    return salted_hmac(f"newsletter.{purpose}", value, algorithm="sha256").hexdigest()


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


def client_ip(request) -> str:
    # REMOTE_ADDR, never X-Forwarded-For, which any client can write. Behind
    # a proxy or CDN, the server in front must set REMOTE_ADDR to the client.
    return request.META.get("REMOTE_ADDR", "")


def allow_signup(request) -> tuple[bool, int]:
    """Count a sign-up attempt from this request's IP address."""
    ip_hash = hashed(client_ip(request), purpose="signup-ip")
    return hit(
        f"signup-ip:{ip_hash}",
        limit=settings.NEWSLETTER_SIGNUPS_PER_HOUR,
        period=HOUR,
    )


def allow_confirmation_mail(email: str) -> bool:
    """Count a confirmation email to ``email``; False once the day's share is sent."""
    address_hash = hashed(email.strip().lower(), purpose="confirm-address")
    allowed, _retry_after = hit(
        f"confirm-address:{address_hash}",
        limit=CONFIRMATIONS_PER_ADDRESS_PER_DAY,
        period=DAY,
    )
    return allowed
