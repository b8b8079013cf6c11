"""Issue 17, finding 3: timing tells nobody who is known.

Confirmation and password-reset mails are queued as tasks
(newsroom/mailing.py) instead of being sent while the person waits, so an
answer takes as long for a known address as for an unknown one; password
resets are limited per client address and reset mails per address.
"""

import pytest
from asgiref.local import Local
from django.core import mail
from django.test import Client
from django_tasks import task_backends

from newsletter import subscribing
from tests.factories import make_editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def _reload_task_backends():
    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture
def queue(settings):
    """A task backend that keeps what is enqueued and runs nothing."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    _reload_task_backends()
    backend = task_backends["default"]
    yield backend
    _reload_task_backends()


def queued_recipients(queue):
    return [result.kwargs["to"] for result in queue.results]


def reset(email, address="192.0.2.1"):
    return Client().post(
        "/admin/password_reset/", {"email": email}, REMOTE_ADDR=address
    )


def test_a_password_reset_sends_nothing_while_the_person_waits(queue):
    make_editor(email="known@newsroom.example")
    known = reset("known@newsroom.example")
    unknown = reset("nobody@newsroom.example")
    assert (known.status_code, known["Location"]) == (
        unknown.status_code,
        unknown["Location"],
    )
    assert mail.outbox == []
    assert queued_recipients(queue) == [["known@newsroom.example"]]


def test_a_newsletter_sign_up_sends_nothing_while_the_person_waits(queue):
    subscribing.sign_up(email="new@example.com")
    assert mail.outbox == []
    assert queued_recipients(queue) == [["new@example.com"]]


def test_the_queued_reset_mail_is_what_the_person_would_have_received(client, settings):
    settings.SITE_URL = "https://news.example.com"
    make_editor(email="known@newsroom.example")
    reset("known@newsroom.example")
    (message,) = mail.outbox
    assert message.to == ["known@newsroom.example"]
    assert "https://news.example.com/admin/reset/" in message.body
    assert "\n" not in message.subject


def test_one_address_gets_a_few_reset_mails_an_hour_whoever_asks(settings):
    settings.PASSWORD_RESET_MAILS_PER_HOUR = 3
    make_editor(email="desk@newsroom.example")
    answers = {
        reset("desk@newsroom.example", address=f"192.0.2.{n}")["Location"]
        for n in range(6)
    }
    assert answers == {"/admin/password_reset/done/"}
    assert len(mail.outbox) == 3


def test_one_client_may_ask_for_a_few_resets_an_hour(settings):
    settings.PASSWORD_RESETS_PER_HOUR = 4
    codes = [reset(f"p{n}@example.com").status_code for n in range(5)]
    assert codes == [302, 302, 302, 302, 429]
    assert reset("p9@example.com", address="192.0.2.2").status_code == 302
