"""Signed, expiring tokens for links sent by email.

Each token names its purpose (salt), so a confirmation token cannot be used to
unsubscribe and the other way round. Confirmation links expire; unsubscribe
links must work for as long as the email sits in a mailbox, so they are
checked for signature only (the subscriber id plus a hash of the address: if
the address changes, old links stop working).
"""

import hashlib

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"


class BadToken(Exception):
    """The token is tampered with, expired, or for someone else."""


def _email_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def _make(subscriber, salt: str) -> str:
    return signing.dumps(
        {"id": subscriber.pk, "e": _email_hash(subscriber.email)},
        salt=salt,
        compress=True,
    )


def _load(token: str, salt: str, max_age=None):
    from .models import Subscriber

    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
        subscriber = Subscriber.objects.get(pk=data["id"])
    except signing.SignatureExpired as error:
        raise BadToken("expired") from error
    except (signing.BadSignature, Subscriber.DoesNotExist, KeyError, TypeError) as e:
        raise BadToken("invalid") from e
    if data.get("e") != _email_hash(subscriber.email):
        raise BadToken("invalid")
    return subscriber


def confirm_token(subscriber) -> str:
    return _make(subscriber, CONFIRM_SALT)


def subscriber_from_confirm_token(token: str):
    """The subscriber a confirmation link is for; raises BadToken."""
    max_age = settings.NEWSLETTER_CONFIRM_HOURS * 3600
    return _load(token, CONFIRM_SALT, max_age=max_age)


def unsubscribe_token(subscriber) -> str:
    return _make(subscriber, UNSUBSCRIBE_SALT)


def subscriber_from_unsubscribe_token(token: str):
    """The subscriber an unsubscribe link is for; raises BadToken."""
    return _load(token, UNSUBSCRIBE_SALT)


def absolute(path: str) -> str:
    """An absolute URL on the public site (emails have no request to ask)."""
    return settings.SITE_URL.rstrip("/") + path


def confirm_url(subscriber) -> str:
    return absolute(
        reverse("newsletter:confirm", kwargs={"token": confirm_token(subscriber)})
    )


def unsubscribe_url(subscriber) -> str:
    return absolute(
        reverse(
            "newsletter:unsubscribe", kwargs={"token": unsubscribe_token(subscriber)}
        )
    )


def unsubscribe_mailto(subscriber) -> str:
    """For the List-Unsubscribe header: a mail to this address unsubscribes."""
    return (
        f"mailto:{settings.NEWSLETTER_UNSUBSCRIBE_EMAIL}"
        f"?subject=unsubscribe%20{unsubscribe_token(subscriber)}"
    )
