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
FOLLOW_SALT = "newsletter.follow"
MANAGE_SALT = "newsletter.manage"
ALERTS_OFF_SALT = "newsletter.alerts-off"
# The personal page's link is in every message: it lives as long as a mailbox
# keeps an email worth acting on, and no longer.
MANAGE_DAYS = 90


class BadToken(Exception):
    """The token is tampered with, expired, or for someone else."""


def _email_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def _make(subscriber, salt: str, follow: str = "") -> str:
    data = {"id": subscriber.pk, "e": _email_hash(subscriber.email)}
    if follow:
        data["f"] = follow
    return signing.dumps(data, salt=salt, compress=True)


def _load_with_data(token: str, salt: str, max_age=None):
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
    return subscriber, data


def _load(token: str, salt: str, max_age=None):
    return _load_with_data(token, salt, max_age)[0]


def confirm_token(subscriber, follow: str = "") -> str:
    """``follow`` ("c:<company id>" or "t:<tag id>") is added on confirming."""
    return _make(subscriber, CONFIRM_SALT, follow)


def subscriber_from_confirm_token(token: str):
    """The subscriber a confirmation link is for; raises BadToken."""
    return confirmation_from_token(token)[0]


def confirmation_from_token(token: str):
    """(subscriber, follow or "") of a confirmation link; raises BadToken."""
    max_age = settings.NEWSLETTER_CONFIRM_HOURS * 3600
    subscriber, data = _load_with_data(token, CONFIRM_SALT, max_age=max_age)
    return subscriber, str(data.get("f", ""))


def follow_token(subscriber, follow: str) -> str:
    return _make(subscriber, FOLLOW_SALT, follow)


def follow_from_token(token: str):
    """(subscriber, follow) of an "add this follow" link; raises BadToken."""
    max_age = settings.NEWSLETTER_CONFIRM_HOURS * 3600
    subscriber, data = _load_with_data(token, FOLLOW_SALT, max_age=max_age)
    if not data.get("f"):
        raise BadToken("invalid")
    return subscriber, str(data["f"])


def manage_token(subscriber) -> str:
    return _make(subscriber, MANAGE_SALT)


def subscriber_from_manage_token(token: str):
    """The subscriber a personal-page link is for; raises BadToken."""
    return _load(token, MANAGE_SALT, max_age=MANAGE_DAYS * 86400)


def alerts_off_token(subscriber) -> str:
    return _make(subscriber, ALERTS_OFF_SALT)


def subscriber_from_alerts_off_token(token: str):
    """Like unsubscribe links, alert opt-out links never expire."""
    return _load(token, ALERTS_OFF_SALT)


def unsubscribe_token(subscriber) -> str:
    return _make(subscriber, UNSUBSCRIBE_SALT)


def subscriber_from_unsubscribe_token(token: str):
    """The subscriber an unsubscribe link is for; raises BadToken."""
    return _load(token, UNSUBSCRIBE_SALT)


def absolute(path: str) -> str:
    """An absolute URL on the public site (emails have no request to ask)."""
    return settings.SITE_URL.rstrip("/") + path


def confirm_url(subscriber, follow: str = "") -> str:
    return absolute(
        reverse(
            "newsletter:confirm", kwargs={"token": confirm_token(subscriber, follow)}
        )
    )


def follow_url(subscriber, follow: str) -> str:
    token = follow_token(subscriber, follow)
    return absolute(reverse("newsletter:follow_confirm", kwargs={"token": token}))


def manage_path(subscriber) -> str:
    """The personal page's path, for links on our own pages."""
    return reverse("newsletter:manage", kwargs={"token": manage_token(subscriber)})


def manage_url(subscriber) -> str:
    return absolute(manage_path(subscriber))


def alerts_off_url(subscriber) -> str:
    token = alerts_off_token(subscriber)
    return absolute(reverse("newsletter:alerts_off", kwargs={"token": token}))


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
