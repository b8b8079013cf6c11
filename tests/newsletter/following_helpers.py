"""Small factories and link helpers for the following and alert tests."""

import re
import threading

from django.conf import settings
from django.db import connections
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


def together(*calls):
    """Run each call in its own thread (own connection), released at once."""
    barrier = threading.Barrier(len(calls))
    errors = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            call()
        except Exception as error:  # noqa: BLE001 - handed to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
