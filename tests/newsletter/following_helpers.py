"""Small factories and link helpers for the following and alert tests."""

import re

from django.conf import settings
from django.utils import timezone

from newsletter.models import Follow, Frequency, Subscriber

_n = iter(range(1, 10**9))


def make_subscriber(
    email=None, *, status=Subscriber.Status.ACTIVE, frequency=Frequency.WEEKLY, **kw
):
    n = next(_n)
    return Subscriber.objects.create(
        email=email or f"reader{n}@example.com",
        status=status,
        frequency=frequency,
        confirmed_at=timezone.now() if status == Subscriber.Status.ACTIVE else None,
        **kw,
    )


def follow(subscriber, *, company=None, tag=None):
    return Follow.objects.create(subscriber=subscriber, company=company, tag=tag)


def link_path(body: str, kind: str) -> str:
    """The path of the first /newsletter/<kind>/<token>/ link in a body."""
    pattern = rf"https?://[^/\s\"]+((?:/zh-hans)?/newsletter/{kind}/[^/\s\"]+/)"
    match = re.search(pattern, body)
    assert match, body
    return match.group(1)


def local(url: str) -> str:
    return url.removeprefix(settings.SITE_URL)
