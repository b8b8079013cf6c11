"""Signing up on the public site: /newsletter/, the article pages' form, confirming."""

import re
import time

import pytest
from django.conf import settings
from django.core import mail
from django.core.signing import TimestampSigner
from django.test import Client
from django.utils import timezone, translation

from newsletter import tokens
from newsletter.models import Issue, Script, Subscriber, SubscriptionEvent
from tests.factories import make_live_article

pytestmark = pytest.mark.django_db

Status = Subscriber.Status
Kind = SubscriptionEvent.Kind
Method = SubscriptionEvent.Method
SUBSCRIBE = "/newsletter/subscribe/"


@pytest.fixture
def csrf_client():
    """A browser that, like a real one, has to pass Django's CSRF check."""
    return Client(enforce_csrf_checks=True)


def t(msgid: str, language: str = "zh-hant") -> str:
    """A message as a reader of the Traditional edition sees it."""
    with translation.override(language):
        return translation.gettext(msgid)


def sign_up(client, email, prefix="", **data):
    return client.post(prefix + SUBSCRIBE, {"email": email, **data})


def link_path(message, kind="confirm") -> str:
    """The path of the confirmation link in an email, as the test client wants it."""
    pattern = rf"https?://[^/\s]+((?:/zh-hans)?/newsletter/{kind}/[^/\s]+/)"
    match = re.search(pattern, message.body)
    assert match, message.body
    return match.group(1)


def unsubscribe_path(subscriber) -> str:
    return tokens.unsubscribe_url(subscriber).removeprefix(settings.SITE_URL)


def csrf_token(response) -> str:
    return re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()
    ).group(1)


def events(subscriber):
    return list(subscriber.events.order_by("at", "pk").values_list("kind", "method"))


def test_double_opt_in_from_sign_up_to_active(csrf_client):
    response = sign_up(csrf_client, "reader@example.com", page="/newsletter/")
    assert response.status_code == 200
    assert "reader@example.com" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Status.PENDING
    assert len(mail.outbox) == 1
    confirm_path = link_path(mail.outbox[0])

    # Opening the link shows a button and changes nothing.
    page = csrf_client.get(confirm_path)
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'<form method="post" action="' + re.escape(confirm_path), html)
    assert "<button" in html
    subscriber.refresh_from_db()
    assert subscriber.status == Status.PENDING
    assert events(subscriber) == [(Kind.SIGNED_UP, Method.FORM)]

    # Pressing it confirms.
    done = csrf_client.post(confirm_path, {"csrfmiddlewaretoken": csrf_token(page)})
    assert done.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Status.ACTIVE
    assert subscriber.confirmed_at is not None
    assert events(subscriber) == [
        (Kind.SIGNED_UP, Method.FORM),
        (Kind.CONFIRMED, Method.CONFIRM_LINK),
    ]
    assert subscriber in Subscriber.objects.active()


def test_mail_scanners_opening_the_confirmation_link_subscribe_nobody(client):
    sign_up(client, "reader@example.com")
    confirm_path = link_path(mail.outbox[0])
    for _ in range(3):
        assert client.get(confirm_path).status_code == 200
    assert client.head(confirm_path).status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Status.PENDING
    assert not subscriber.events.filter(kind=Kind.CONFIRMED).exists()


def test_confirm_page_is_never_cached(client):
    sign_up(client, "reader@example.com")
    response = client.get(link_path(mail.outbox[0]))
    assert "public" not in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_confirming_twice_is_harmless(client):
    sign_up(client, "reader@example.com")
    confirm_path = link_path(mail.outbox[0])
    assert client.post(confirm_path).status_code == 200
    assert client.post(confirm_path).status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.events.filter(kind=Kind.CONFIRMED).count() == 1


def test_sign_up_answer_does_not_tell_whether_an_address_is_known(client):
    """Unknown, pending, active and unsubscribed: the same status and the same page."""
    email = "reader@example.com"
    data = {"page": "/newsletter/", "script": Script.HANT}
    unknown = sign_up(client, email, **data)
    pending = sign_up(client, email, **data)
    subscriber = Subscriber.objects.get()
    client.post(link_path(mail.outbox[0]))
    subscriber.refresh_from_db()
    assert subscriber.status == Status.ACTIVE
    active = sign_up(client, email, **data)
    # Another case of the same address: still the same answer.
    active_other_case = sign_up(client, "READER@example.com", **data)

    answers = [unknown, pending, active]
    assert {response.status_code for response in answers} == {200}
    assert unknown.content == pending.content == active.content
    assert active_other_case.status_code == 200
    assert active_other_case.content == unknown.content.replace(
        email.encode(), b"READER@example.com"
    )
    for response in answers:
        assert not response.cookies
        assert dict(response.headers).keys() == dict(unknown.headers).keys()


def test_unsubscribed_address_signing_up_again_gets_the_same_answer_and_a_new_link(
    client,
):
    email = "reader@example.com"
    first = sign_up(client, email)
    client.post(link_path(mail.outbox[0]))
    subscriber = Subscriber.objects.get()
    client.post(unsubscribe_path(subscriber))
    subscriber.refresh_from_db()
    assert subscriber.status == Status.UNSUBSCRIBED
    mail.outbox.clear()

    again = sign_up(client, email)
    assert again.status_code == first.status_code == 200
    assert again.content == first.content
    assert len(mail.outbox) == 1
    client.post(link_path(mail.outbox[0]))
    subscriber.refresh_from_db()
    assert subscriber.status == Status.ACTIVE


def test_active_subscriber_gets_no_mail_when_signed_up_again(client):
    sign_up(client, "reader@example.com")
    client.post(link_path(mail.outbox[0]))
    mail.outbox.clear()
    sign_up(client, "reader@example.com")
    assert mail.outbox == []


def test_sign_up_needs_no_csrf_token_or_cookie(csrf_client):
    response = sign_up(csrf_client, "reader@example.com")
    assert response.status_code == 200
    assert Subscriber.objects.filter(email="reader@example.com").exists()


def test_too_many_sign_ups_from_one_ip_get_429_and_another_ip_is_fine(client, settings):
    settings.NEWSLETTER_SIGNUPS_PER_HOUR = 3
    for n in range(3):
        response = client.post(
            SUBSCRIBE, {"email": f"r{n}@example.com"}, REMOTE_ADDR="203.0.113.1"
        )
        assert response.status_code == 200
    mail.outbox.clear()

    refused = client.post(
        SUBSCRIBE, {"email": "r9@example.com"}, REMOTE_ADDR="203.0.113.1"
    )
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    html = refused.content.decode()
    assert 'class="masthead"' in html  # the site's own page, not a bare error
    assert 'role="alert"' in html
    assert not Subscriber.objects.filter(email="r9@example.com").exists()
    assert mail.outbox == []

    other = client.post(
        SUBSCRIBE, {"email": "r9@example.com"}, REMOTE_ADDR="198.51.100.2"
    )
    assert other.status_code == 200
    assert Subscriber.objects.filter(email="r9@example.com").exists()


def test_invalid_sign_ups_count_towards_the_rate_limit(client, settings):
    settings.NEWSLETTER_SIGNUPS_PER_HOUR = 2
    for _ in range(2):
        client.post(SUBSCRIBE, {"email": "nonsense"})
    assert client.post(SUBSCRIBE, {"email": "r@example.com"}).status_code == 429


@pytest.mark.parametrize(
    "email",
    [
        "not-an-address",
        "reader@",
        "@example.com",
        "a b@example.com",
        "x" * 250 + "@e.hk",
    ],
)
def test_invalid_address_is_refused_with_a_message_on_the_field(client, email):
    response = sign_up(client, email)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="newsletter-email-error"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="newsletter-email-error' in html
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_missing_address_asks_for_one(client):
    response = sign_up(client, "")
    assert t("Enter your email address.") in response.content.decode()
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    "email",
    [
        "reader@example.com\r\nBcc: victim@example.com",
        "reader@example.com\nBcc: victim@example.com",
        "reader@example.com\r\n",
        "reader@example.com%0d%0aBcc:victim@example.com",
    ],
)
def test_line_breaks_in_the_address_are_refused_clearly(client, email):
    response = sign_up(client, email)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="newsletter-email-error"' in html
    if "\n" in email:
        message = t(
            "An email address cannot contain line breaks or control characters."
        )
        assert message in html
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_newsletter_page_shows_the_form_and_sent_issues_only(client):
    Issue.objects.create(
        week="2026-W46",
        subject="上週重點",
        status=Issue.Status.SENT,
        sent_at=timezone.now(),
    )
    Issue.objects.create(week="2026-W47", subject="未寄出的草稿")
    response = client.get("/newsletter/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'action="{SUBSCRIBE}"' in html
    assert 'autocomplete="email"' in html
    assert '<label for="newsletter-email">' in html
    assert 'href="/newsletter/2026-W46/"' in html
    assert "上週重點" in html
    assert "未寄出的草稿" not in html
    assert "2026-W47" not in html


def test_newsletter_page_is_publicly_cacheable(client):
    response = client.get("/newsletter/")
    assert "public" in response["Cache-Control"]
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_getting_the_subscribe_url_leads_to_the_newsletter_page(client):
    response = client.get(SUBSCRIBE)
    assert response.status_code == 302
    assert response["Location"] == "/newsletter/"


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_article_page_with_the_sign_up_form_stays_publicly_cacheable(client, prefix):
    article = make_live_article(headline="萬科公布業績")
    response = client.get(prefix + article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert f'action="{prefix}{SUBSCRIBE}"' in html
    assert f'name="page" value="{prefix}{article.get_absolute_url()}"' in html
    assert "csrfmiddlewaretoken" not in html
    assert "public" in response["Cache-Control"]
    assert not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()


def test_sign_up_from_an_article_records_the_page(csrf_client):
    article = make_live_article()
    path = article.get_absolute_url()
    response = sign_up(csrf_client, "reader@example.com", page=path)
    assert response.status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.consent_page == path
    assert subscriber.consent_ip_hash
    assert "127.0.0.1" not in subscriber.consent_ip_hash
    assert subscriber.events.get().detail == path


def test_simplified_newsletter_page_defaults_to_simplified(client):
    response = client.get("/zh-hans/newsletter/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert 'action="/zh-hans/newsletter/subscribe/"' in html
    assert re.search(r'value="zh-Hans" checked', html)
    assert not re.search(r'value="zh-Hant" checked', html)


def test_traditional_newsletter_page_defaults_to_traditional(client):
    html = client.get("/newsletter/").content.decode()
    assert re.search(r'value="zh-Hant" checked', html)


def test_sign_up_on_the_simplified_edition_defaults_to_simplified(client):
    response = sign_up(client, "reader@example.com", prefix="/zh-hans")
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.script == Script.HANS
    assert "/zh-hans/newsletter/confirm/" in mail.outbox[0].body


def test_the_choice_on_the_form_beats_the_edition(client):
    sign_up(client, "a@example.com", prefix="/zh-hans", script=Script.HANT)
    sign_up(client, "b@example.com", script=Script.HANS)
    assert Subscriber.objects.get(email="a@example.com").script == Script.HANT
    assert Subscriber.objects.get(email="b@example.com").script == Script.HANS


def test_unknown_script_is_refused(client):
    sign_up(client, "a@example.com", script="klingon")
    assert not Subscriber.objects.exists()


def test_expired_confirmation_link_says_so_and_confirms_nobody(client, monkeypatch):
    sign_up(client, "reader@example.com")
    confirm_path = link_path(mail.outbox[0])
    later = time.time() + 73 * 3600  # NEWSLETTER_CONFIRM_HOURS is 72
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)

    page = client.get(confirm_path)
    assert page.status_code == 400
    assert 'action="/newsletter/subscribe/"' in page.content.decode()  # sign up again
    assert client.post(confirm_path).status_code == 400
    assert Subscriber.objects.get().status == Status.PENDING


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: "A" + token[1:] if token[0] != "A" else "B" + token[1:],
        lambda token: "not-a-token",
        lambda token: "x",
    ],
)
def test_tampered_confirmation_link_is_a_clear_400(client, mangle):
    sign_up(client, "reader@example.com")
    subscriber = Subscriber.objects.get()
    token = tokens.confirm_token(subscriber)
    path = f"/newsletter/confirm/{mangle(token)}/"
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 400
        assert 'class="masthead"' in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Status.PENDING


def test_an_unsubscribe_token_does_not_confirm(client):
    sign_up(client, "reader@example.com")
    subscriber = Subscriber.objects.get()
    path = f"/newsletter/confirm/{tokens.unsubscribe_token(subscriber)}/"
    assert client.post(path).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Status.PENDING


def test_a_token_signed_with_another_key_does_not_confirm(client):
    sign_up(client, "reader@example.com")
    subscriber = Subscriber.objects.get()
    forged = TimestampSigner(key="guessed", salt=tokens.CONFIRM_SALT).sign_object(
        {"id": subscriber.pk, "e": "0" * 16}, compress=True
    )
    assert client.post(f"/newsletter/confirm/{forged}/").status_code == 400


def test_old_confirmation_link_does_not_undo_an_unsubscribe(client):
    sign_up(client, "reader@example.com")
    confirm_path = link_path(mail.outbox[0])
    client.post(confirm_path)
    subscriber = Subscriber.objects.get()
    client.post(unsubscribe_path(subscriber))

    assert client.get(confirm_path).status_code == 400
    assert client.post(confirm_path).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Status.UNSUBSCRIBED
