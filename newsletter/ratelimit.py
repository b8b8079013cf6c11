"""The newsletter's limits: sign-ups per client address, confirmations per address.

Counted by newsroom/ratelimit.py; the client's address comes from
newsroom/clients.py, which knows how many proxies to trust.
"""

from django.conf import settings

from newsroom import ratelimit
from newsroom.clients import client_address
from newsroom.ratelimit import DAY, HOUR

# Confirmation emails to one address per day, whoever asks: a form that mails
# any address it is given must not become a way to flood someone's inbox.
CONFIRMATIONS_PER_ADDRESS_PER_DAY = 3


def hashed(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of ``value`` keyed with SECRET_KEY: stable, not reversible."""
    return ratelimit.hashed(value, purpose=f"newsletter.{purpose}")


def allow_signup(request) -> tuple[bool, int]:
    """Count a sign-up attempt from this request's client address."""
    ip_hash = hashed(client_address(request), purpose="signup-ip")
    return ratelimit.hit(
        f"signup-ip:{ip_hash}",
        limit=settings.NEWSLETTER_SIGNUPS_PER_HOUR,
        period=HOUR,
    )


def allow_confirmation_mail(email: str) -> bool:
    """Count a confirmation email to ``email``; False once the day's share is sent."""
    address_hash = hashed(email.strip().lower(), purpose="confirm-address")
    allowed, _retry_after = ratelimit.hit(
        f"confirm-address:{address_hash}",
        limit=CONFIRMATIONS_PER_ADDRESS_PER_DAY,
        period=DAY,
    )
    return allowed
