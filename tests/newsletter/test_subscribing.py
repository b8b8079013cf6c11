"""newsletter/subscribing.py: every change of a subscriber's status, in one place."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from newsletter import subscribing
from newsletter.models import Script, Subscriber, SubscriptionEvent

pytestmark = pytest.mark.django_db

Status = Subscriber.Status
Kind = SubscriptionEvent.Kind
Method = SubscriptionEvent.Method


def kinds(subscriber):
    return [
        (event.kind, event.method) for event in subscriber.events.order_by("at", "pk")
    ]


def test_sign_up_makes_a_pending_subscriber_with_a_consent_record():
    subscriber = subscribing.sign_up(
        email=" Reader@Example.com ",
        script=Script.HANS,
        page="/zh-hans/articles/1/",
        ip="203.0.113.7",
    )
    assert subscriber.email == "Reader@Example.com"
    assert subscriber.status == Status.PENDING
    assert subscriber.script == Script.HANS
    assert subscriber.consent_at is not None
    assert subscriber.consent_page == "/zh-hans/articles/1/"
    assert kinds(subscriber) == [(Kind.SIGNED_UP, Method.FORM)]


def test_consent_keeps_a_salted_hash_of_the_ip_never_the_ip():
    subscriber = subscribing.sign_up(email="a@example.com", ip="203.0.113.7")
    assert len(subscriber.consent_ip_hash) == 64
    assert "203.0.113.7" not in subscriber.consent_ip_hash
    assert subscriber.consent_ip_hash == subscribing.hash_ip("203.0.113.7")
    assert subscribing.hash_ip("203.0.113.8") != subscriber.consent_ip_hash


def test_ip_hash_depends_on_the_secret_key(settings):
    before = subscribing.hash_ip("203.0.113.7")
    settings.SECRET_KEY = "another-secret-key-for-this-test"
    assert subscribing.hash_ip("203.0.113.7") != before


def test_sign_up_mails_a_confirmation_link_in_text_and_html():
    subscribing.sign_up(email="a@example.com")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["a@example.com"]
    assert "\n" not in message.subject
    assert re.search(r"http://\S+/newsletter/confirm/\S+/", message.body)
    html, content_type = message.alternatives[0]
    assert content_type == "text/html"
    assert "/newsletter/confirm/" in html
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_confirmation_for_a_simplified_subscriber_is_converted_and_links_there(
    settings,
):
    settings.NEWSROOM_NAME = "新聞室財經"
    subscribing.sign_up(email="a@example.com", script=Script.HANS)
    message = mail.outbox[0]
    assert "新闻室财经" in message.body
    assert "新聞室財經" not in message.body
    assert "新闻室财经" in message.subject
    html = message.alternatives[0][0]
    assert 'lang="zh-Hans"' in html
    assert "新闻室财经" in html
    assert "/zh-hans/newsletter/confirm/" in message.body


def test_confirmation_for_a_traditional_subscriber_stays_traditional(settings):
    settings.NEWSROOM_NAME = "新聞室財經"
    subscribing.sign_up(email="a@example.com", script=Script.HANT)
    message = mail.outbox[0]
    assert "新聞室財經" in message.body
    assert "/zh-hans/" not in message.body


def test_addresses_are_unique_whatever_their_case():
    first = subscribing.sign_up(email="Reader@Example.com")
    again = subscribing.sign_up(email="reader@example.COM")
    assert again.pk == first.pk
    assert Subscriber.objects.count() == 1


def test_signing_up_an_active_subscriber_changes_nothing_and_mails_nothing():
    subscriber = subscribing.sign_up(email="a@example.com", script=Script.HANT)
    subscribing.confirm(subscriber)
    mail.outbox.clear()
    before = kinds(subscriber)

    again = subscribing.sign_up(email="A@example.com", script=Script.HANS, page="/x/")

    assert again.status == Status.ACTIVE
    assert again.script == Script.HANT
    assert again.consent_page == ""
    assert kinds(again) == before
    assert mail.outbox == []


def test_signing_up_again_while_pending_sends_a_fresh_link():
    subscribing.sign_up(email="a@example.com")
    subscribing.sign_up(email="a@example.com")
    assert len(mail.outbox) == 2
    assert all("/newsletter/confirm/" in m.body for m in mail.outbox)


def test_one_address_gets_at_most_three_confirmation_emails_a_day():
    for _ in range(5):
        subscribing.sign_up(email="victim@example.com")
    assert len(mail.outbox) == subscribing.ratelimit.CONFIRMATIONS_PER_ADDRESS_PER_DAY
    subscribing.sign_up(email="someone-else@example.com")
    assert mail.outbox[-1].to == ["someone-else@example.com"]


def test_confirm_makes_a_pending_subscriber_active_once():
    subscriber = subscribing.sign_up(email="a@example.com")
    assert subscribing.confirm(subscriber) is True
    assert subscriber.status == Status.ACTIVE
    assert subscriber.confirmed_at is not None
    assert subscribing.confirm(subscriber) is False
    assert kinds(subscriber) == [
        (Kind.SIGNED_UP, Method.FORM),
        (Kind.CONFIRMED, Method.CONFIRM_LINK),
    ]


def test_confirm_does_not_undo_an_unsubscribe():
    subscriber = subscribing.sign_up(email="a@example.com")
    subscribing.unsubscribe(subscriber, method=Method.LINK)
    assert subscribing.confirm(subscriber) is False
    assert subscriber.status == Status.UNSUBSCRIBED


def test_unsubscribe_is_recorded_once_and_repeating_it_is_harmless():
    subscriber = subscribing.sign_up(email="a@example.com")
    subscribing.confirm(subscriber)
    assert subscribing.unsubscribe(subscriber, method=Method.ONE_CLICK) is True
    assert subscriber.status == Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None
    assert subscribing.unsubscribe(subscriber, method=Method.LINK) is False
    assert kinds(subscriber)[-1] == (Kind.UNSUBSCRIBED, Method.ONE_CLICK)
    assert subscriber.events.filter(kind=Kind.UNSUBSCRIBED).count() == 1
    assert not Subscriber.objects.active().exists()


def test_unsubscribed_subscriber_can_sign_up_again_and_keeps_the_history():
    subscriber = subscribing.sign_up(email="a@example.com", script=Script.HANT)
    subscribing.confirm(subscriber)
    subscribing.unsubscribe(subscriber, method=Method.LINK)
    mail.outbox.clear()

    again = subscribing.sign_up(email="a@example.com", script=Script.HANS)
    assert again.pk == subscriber.pk
    assert again.status == Status.PENDING
    assert again.script == Script.HANS
    assert len(mail.outbox) == 1
    subscribing.confirm(again)

    assert again.status == Status.ACTIVE
    assert again.unsubscribed_at is None
    assert [kind for kind, _method in kinds(again)] == [
        Kind.SIGNED_UP,
        Kind.CONFIRMED,
        Kind.UNSUBSCRIBED,
        Kind.SIGNED_UP,
        Kind.CONFIRMED,
    ]


def test_bounce_stops_mail_and_is_recorded():
    subscriber = subscribing.sign_up(email="a@example.com")
    subscribing.confirm(subscriber)
    assert subscribing.bounce(subscriber, detail="550 no such user") is True
    assert subscriber.status == Status.BOUNCED
    assert subscriber.bounced_at is not None
    assert kinds(subscriber)[-1] == (Kind.BOUNCED, Method.SMTP)
    assert subscribing.bounce(subscriber) is False


@pytest.mark.parametrize(
    "email",
    [
        "not-an-address",
        "a@b@example.com",
        "a@example.com\r\nBcc: victim@example.com",
        "a@example.com\nBcc: victim@example.com",
        "a@example.com\r",
        "a\x00@example.com",
    ],
)
def test_sign_up_refuses_invalid_addresses_and_header_injection(email):
    with pytest.raises(ValidationError):
        subscribing.sign_up(email=email)
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_a_failing_mail_server_does_not_break_the_sign_up(monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    subscriber = subscribing.sign_up(email="a@example.com")
    assert subscriber.status == Status.PENDING
    assert "failed" in caplog.text


@pytest.mark.parametrize(
    ("page", "kept"),
    [
        ("/articles/1/slug/", "/articles/1/slug/"),
        ("https://evil.example/", ""),
        ("//evil.example/", ""),
        ("/a\r\nb", ""),
        ("/" + "x" * 400, "/" + "x" * 299),
    ],
)
def test_consent_page_keeps_only_a_local_path(page, kept):
    assert subscribing.clean_consent_page(page) == kept
