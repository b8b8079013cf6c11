"""Unsubscribing with the personal link: one click (RFC 8058) or the page's button."""

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from newsletter import subscribing, tokens
from newsletter.models import Script, Subscriber, SubscriptionEvent

pytestmark = pytest.mark.django_db

Status = Subscriber.Status
Kind = SubscriptionEvent.Kind
Method = SubscriptionEvent.Method
ONE_CLICK_BODY = "List-Unsubscribe=One-Click"


@pytest.fixture
def subscriber():
    subscriber = subscribing.sign_up(email="reader@example.com")
    subscribing.confirm(subscriber)
    mail.outbox.clear()
    return subscriber


@pytest.fixture
def mailbox_provider():
    """What Gmail or Yahoo sends: a bare POST, no cookie, no CSRF token."""
    return Client(enforce_csrf_checks=True)


def path_of(subscriber) -> str:
    url = tokens.unsubscribe_url(subscriber)
    assert url.startswith(settings.SITE_URL)
    return url.removeprefix(settings.SITE_URL.rstrip("/"))


def one_click(client, path):
    return client.post(
        path, ONE_CLICK_BODY, content_type="application/x-www-form-urlencoded"
    )


def unsubscribe_events(subscriber):
    return list(
        subscriber.events.filter(kind=Kind.UNSUBSCRIBED).values_list(
            "method", flat=True
        )
    )


def test_one_click_post_without_cookie_or_csrf_unsubscribes_at_once(
    mailbox_provider, subscriber
):
    response = one_click(mailbox_provider, path_of(subscriber))
    assert response.status_code == 200
    assert "Location" not in response
    assert not response.cookies
    subscriber.refresh_from_db()
    assert subscriber.status == Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None
    assert unsubscribe_events(subscriber) == [Method.ONE_CLICK]
    assert subscriber not in Subscriber.objects.active()


def test_one_click_as_multipart_form_data_works_too(mailbox_provider, subscriber):
    # RFC 8058 allows either encoding; the test client sends multipart.
    response = mailbox_provider.post(
        path_of(subscriber), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Status.UNSUBSCRIBED
    assert unsubscribe_events(subscriber) == [Method.ONE_CLICK]


def test_repeating_the_one_click_post_is_harmless(mailbox_provider, subscriber):
    path = path_of(subscriber)
    first = one_click(mailbox_provider, path)
    second = one_click(mailbox_provider, path)
    assert first.status_code == second.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Status.UNSUBSCRIBED
    assert unsubscribe_events(subscriber) == [Method.ONE_CLICK]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("", "application/x-www-form-urlencoded"),
        ("anything=at-all", "application/x-www-form-urlencoded"),
        ("not a form", "text/plain"),
        ("--broken", "multipart/form-data"),
    ],
)
def test_any_post_to_the_link_unsubscribes(
    mailbox_provider, subscriber, body, content_type
):
    response = mailbox_provider.post(
        path_of(subscriber), body, content_type=content_type
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Status.UNSUBSCRIBED
    assert unsubscribe_events(subscriber) == [Method.LINK]


def test_opening_the_link_shows_one_button_and_changes_nothing(client, subscriber):
    path = path_of(subscriber)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    # One form that posts (the masthead's search form only GETs).
    assert html.count('method="post"') == 1
    assert f'<form method="post" action="{path}">' in html
    assert "reader@example.com" in html
    assert client.head(path).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Status.ACTIVE
    assert unsubscribe_events(subscriber) == []


def test_the_page_button_unsubscribes_and_is_recorded_as_the_page(
    mailbox_provider, subscriber
):
    # The button's form has no CSRF token; a browser posts it empty.
    response = mailbox_provider.post(path_of(subscriber))
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Status.UNSUBSCRIBED
    assert unsubscribe_events(subscriber) == [Method.LINK]


def test_unsubscribe_pages_are_never_cached(client, subscriber):
    path = path_of(subscriber)
    for response in (client.get(path), client.post(path)):
        assert "public" not in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]


def test_page_of_an_unsubscribed_address_offers_no_button(client, subscriber):
    subscribing.unsubscribe(subscriber, method=Method.LINK)
    response = client.get(path_of(subscriber))
    assert response.status_code == 200
    assert 'method="post"' not in response.content.decode()


@pytest.mark.parametrize(
    "token",
    ["x", "not-a-token", "eyJpZCI6MX0:1abcde:forged-signature-here"],
)
def test_a_bad_token_is_a_clear_400_never_a_500(mailbox_provider, subscriber, token):
    path = reverse("newsletter:unsubscribe", kwargs={"token": token})
    for response in (mailbox_provider.get(path), one_click(mailbox_provider, path)):
        assert response.status_code == 400
        html = response.content.decode()
        assert 'class="masthead"' in html
        assert settings.NEWSLETTER_UNSUBSCRIBE_EMAIL in html
    subscriber.refresh_from_db()
    assert subscriber.status == Status.ACTIVE


def test_a_tampered_token_does_not_unsubscribe(mailbox_provider, subscriber):
    token = tokens.unsubscribe_token(subscriber)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    path = reverse("newsletter:unsubscribe", kwargs={"token": tampered})
    assert one_click(mailbox_provider, path).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Status.ACTIVE


def test_a_confirmation_token_does_not_unsubscribe(mailbox_provider, subscriber):
    token = tokens.confirm_token(subscriber)
    path = reverse("newsletter:unsubscribe", kwargs={"token": token})
    assert one_click(mailbox_provider, path).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Status.ACTIVE


def test_unsubscribe_links_never_expire(mailbox_provider, subscriber, monkeypatch):
    path = path_of(subscriber)
    years_later = 1e10
    monkeypatch.setattr("django.core.signing.time.time", lambda: years_later)
    assert one_click(mailbox_provider, path).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Status.UNSUBSCRIBED


def test_simplified_subscriber_can_unsubscribe_in_the_simplified_edition(
    mailbox_provider,
):
    subscriber = subscribing.sign_up(email="reader@example.com", script=Script.HANS)
    subscribing.confirm(subscriber)
    path = "/zh-hans" + path_of(subscriber)
    page = mailbox_provider.get(path)
    assert page.status_code == 200
    assert '<html lang="zh-Hans">' in page.content.decode()
    assert one_click(mailbox_provider, path).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Status.UNSUBSCRIBED


def test_resubscribing_after_unsubscribing_works_with_every_step_recorded(
    client, mailbox_provider, subscriber
):
    one_click(mailbox_provider, path_of(subscriber))

    response = client.post("/newsletter/subscribe/", {"email": "Reader@Example.com"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Status.PENDING
    assert len(mail.outbox) == 1
    confirm_path = reverse(
        "newsletter:confirm", kwargs={"token": tokens.confirm_token(subscriber)}
    )
    assert confirm_path in mail.outbox[0].body
    assert client.post(confirm_path).status_code == 200

    subscriber.refresh_from_db()
    assert subscriber.status == Status.ACTIVE
    assert Subscriber.objects.count() == 1
    history = list(subscriber.events.order_by("at", "pk").values_list("kind", "method"))
    assert history == [
        (Kind.SIGNED_UP, Method.FORM),
        (Kind.CONFIRMED, Method.CONFIRM_LINK),
        (Kind.UNSUBSCRIBED, Method.ONE_CLICK),
        (Kind.SIGNED_UP, Method.FORM),
        (Kind.CONFIRMED, Method.CONFIRM_LINK),
    ]
    # The old unsubscribe link still works for the new subscription.
    assert one_click(mailbox_provider, path_of(subscriber)).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Status.UNSUBSCRIBED
