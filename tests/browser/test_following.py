"""Following a company by email in a real browser, then the personal page.

The live server runs in this process with the locmem email backend: the
links land in ``django.core.mail.outbox``. Only the keyboard is used on the
personal page, and axe checks it in both scripts.
"""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import translation
from playwright.sync_api import expect

from newsletter.models import Frequency, Subscriber
from tests.browser.test_accessibility import AXE, BLOCKING, describe, run_axe
from tests.factories import make_company

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()  # the per-IP sign-up counter
    yield
    cache.clear()


def t(msgid: str) -> str:
    with translation.override("zh-hant"):
        return translation.gettext(msgid)


def link(message, kind) -> str:
    match = re.search(
        rf"https?://[^/\s]+((?:/zh-hans)?/newsletter/{kind}/\S+/)", message.body
    )
    assert match, message.body
    return match.group(1)


def serious(page):
    found = [v for v in run_axe(page, str(AXE)) if v["impact"] in BLOCKING]
    assert not found, describe(page.url, found)


def test_follow_a_company_from_its_page_then_change_the_frequency(contexts):
    company = make_company("0700.HK", name="騰訊控股", name_en="Tencent")
    mail.outbox.clear()
    page = contexts.new(bypass_csp=True).new_page()
    page.goto(company.get_absolute_url())
    box = page.locator(".follow-box")
    box.get_by_label(t("Email address")).fill("holder@example.com")
    with page.expect_navigation():
        box.get_by_role("button", name=t("Follow")).click()
    expect(page.locator("h1")).to_have_text(t("Check your inbox"))

    page.goto(link(mail.outbox[-1], "confirm"))
    with page.expect_navigation():
        page.get_by_role("button", name=t("Confirm my subscription")).click()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert subscriber.follows.get().company == company

    # The personal page, by keyboard only.
    page.get_by_role("link", name=t("Your follows and settings")).click()
    page.wait_for_load_state()
    expect(page.locator(".manage-follows")).to_contain_text("騰訊控股")
    serious(page)
    immediate = page.get_by_label(Frequency.IMMEDIATE.label.__str__())
    immediate.focus()
    page.keyboard.press("Space")
    expect(immediate).to_be_checked()
    page.get_by_role("button", name=t("Save settings")).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".manage-done")).to_have_text(t("Your settings are saved."))
    subscriber.refresh_from_db()
    assert subscriber.frequency == Frequency.IMMEDIATE

    # The same page in Simplified, also clean.
    page.goto("/zh-hans" + page.url.split(contexts.live_server.url)[1].split("?")[0])
    serious(page)
