"""Signing up for the newsletter in a real browser, from an article page.

The live server runs in this process with Django's locmem email backend, so
the confirmation email lands in ``django.core.mail.outbox``.
"""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import translation
from playwright.sync_api import expect

from newsletter.models import Script, Subscriber
from tests.browser.test_accessibility import AXE, BLOCKING, describe, run_axe
from tests.factories import make_live_article

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def empty_cache():
    # The per-IP sign-up counter: every request here comes from 127.0.0.1.
    cache.clear()
    yield
    cache.clear()


def t(msgid: str) -> str:
    with translation.override("zh-hant"):
        return translation.gettext(msgid)


def confirm_path(message) -> str:
    match = re.search(
        r"https?://[^/\s]+((?:/zh-hans)?/newsletter/confirm/\S+/)", message.body
    )
    assert match, message.body
    return match.group(1)


def test_reader_signs_up_on_an_article_page_and_confirms(contexts, live_server):
    article = make_live_article(headline="萬科公布業績")
    mail.outbox.clear()
    page = contexts.new().new_page()
    response = page.goto(article.get_absolute_url())
    assert "public" in response.headers["cache-control"]
    assert "set-cookie" not in response.headers

    form = page.locator(".newsletter-form")
    expect(form.locator("input[name=script][value='zh-Hant']")).to_be_checked()
    page.get_by_label(t("Email address")).fill("reader@example.com")
    with page.expect_navigation():
        form.get_by_role("button", name=t("Sign up")).click()

    expect(page.locator("h1")).to_have_text(t("Check your inbox"))
    expect(page.locator("main")).to_contain_text("reader@example.com")
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.script == Script.HANT
    assert subscriber.consent_page == article.get_absolute_url()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["reader@example.com"]

    # The link from the email shows a button; pressing it confirms.
    page.goto(confirm_path(mail.outbox[0]))
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    with page.expect_navigation():
        page.get_by_role("button", name=t("Confirm my subscription")).click()
    expect(page.locator("h1")).to_have_text(t("You are subscribed"))
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE


def test_simplified_reader_signs_up_for_simplified(contexts, live_server):
    article = make_live_article(headline="萬科公布業績")
    mail.outbox.clear()
    page = contexts.new().new_page()
    page.goto("/zh-hans" + article.get_absolute_url())
    form = page.locator(".newsletter-form")
    expect(form.locator("input[name=script][value='zh-Hans']")).to_be_checked()
    form.locator("input[type=email]").fill("reader@example.com")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.url.startswith(live_server.url + "/zh-hans/newsletter/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert Subscriber.objects.get().script == Script.HANS
    assert "/zh-hans/newsletter/confirm/" in mail.outbox[0].body


def test_invalid_address_is_explained_next_to_the_field(contexts, live_server):
    page = contexts.new().new_page()
    page.goto("/newsletter/")
    field = page.locator("#newsletter-email")
    # Past the browser's own check (type=email), as a script or old browser would.
    page.evaluate("document.querySelector('.newsletter-form').noValidate = true")
    field.fill("reader@")
    with page.expect_navigation():
        page.locator(".newsletter-form button[type=submit]").click()
    field = page.locator("#newsletter-email")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#newsletter-email-error")).to_be_visible()
    assert not Subscriber.objects.exists()


def test_newsletter_pages_have_no_serious_accessibility_violations(
    contexts, live_server
):
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make browser`", pytrace=False)
    page = contexts.new(bypass_csp=True).new_page()  # axe-core is injected
    found = []
    page.goto("/newsletter/")
    found.append(("/newsletter/", run_axe(page, str(AXE))))
    page.locator("#newsletter-email").fill("reader@example.com")
    with page.expect_navigation():
        page.locator(".newsletter-form button[type=submit]").click()
    found.append((page.url, run_axe(page, str(AXE))))
    serious = [
        describe(url, [v for v in violations if v["impact"] in BLOCKING])
        for url, violations in found
        if any(v["impact"] in BLOCKING for v in violations)
    ]
    assert not serious, "\n".join(serious)
