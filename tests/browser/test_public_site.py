"""The public site in a real browser, as a reader uses it, on the demo content.

Each test loads the demo content with ``seed_demo`` (about half a second):
live_server's transactional database is emptied after every test. The
``contexts`` fixture fails a test on any console or page error.

Screenshots of the main pages at a phone's and a desktop's width go to
var/screenshots/ (home-390.png, article-1280.png, ...), for people to look at.
"""

import re
from io import StringIO
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.pages import SCREENSHOTS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    live = Article.objects.live()
    return {
        # 萬科 → 万科 in the Simplified edition.
        "feature": live.get(kind=Article.Kind.FEATURE, headline__startswith="萬科"),
        # Carries a correction.
        "brief": live.get(kind=Article.Kind.BRIEF, headline__startswith="隆基綠能"),
    }


def open_card(page, scope, index=0):
    """Follow the headline link of a card and return the headline's text."""
    link = page.locator(f"{scope} .card-headline a").nth(index)
    headline = link.inner_text().strip()
    with page.expect_navigation():
        link.click()
    return headline


def test_reader_reads_home_a_brief_and_a_feature(contexts, live_server, demo):
    page = contexts.new().new_page()
    page.goto("/")
    expect(page).to_have_title(re.compile(".+"))
    expect(page.locator(".lead-grid .card-feature")).to_have_count(3)
    briefs = page.locator(".river .card-brief")
    assert briefs.count() >= 5
    expect(briefs.first.locator(".kind")).to_have_text("簡訊")

    # The skip link is the first stop for keyboard users, and visible then.
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()

    # A brief from the river.
    headline = open_card(page, ".river")
    expect(page.locator("h1.headline")).to_have_text(headline)
    expect(page.locator(".article-header .kind")).to_have_text("簡訊")
    expect(page.locator(".byline .authors a").first).to_be_visible()
    expect(page.locator(".article-header .tickers a.chip").first).to_be_visible()
    expect(page.locator(".body p").first).to_be_visible()

    # A lead feature from home: headline, 重點 box, byline, ticker chips.
    page.goto("/")
    headline = open_card(page, ".lead-grid")
    expect(page.locator("h1.headline")).to_have_text(headline)
    expect(page.locator(".article-header .kind")).to_have_text("長文")
    key_points = page.locator(".key-points")
    expect(key_points.locator("h2")).to_have_text("重點")
    assert key_points.locator("li").count() >= 2
    expect(page.locator(".byline .authors a").first).to_be_visible()
    expect(page.locator(".byline time").first).to_contain_text("年")
    expect(page.locator(".article-header .tickers a.chip").first).to_be_visible()

    # A brief with a correction shows it, dated, above the body.
    page.goto(demo["brief"].get_absolute_url())
    expect(page.locator(".corrections h2")).to_be_visible()
    expect(page.locator(".corrections time")).to_contain_text("年")


def test_reader_switches_to_simplified_and_back(contexts, live_server, demo):
    feature = demo["feature"]
    url = feature.get_absolute_url()
    page = contexts.new().new_page()
    page.goto(url)
    expect(page.locator("h1.headline")).to_contain_text("萬科")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")

    with page.expect_navigation():
        page.locator(".script-switch a", has_text="简体").click()
    assert page.url == live_server.url + "/zh-hans" + url
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("h1.headline")).to_contain_text("万科")
    expect(page.locator("h1.headline")).not_to_contain_text("萬科")
    with translation.override("zh-hans"):
        key_points = translation.gettext("Key points")
    expect(page.locator(".key-points h2")).to_have_text(key_points)
    expect(page.locator(".article-header .tickers")).to_contain_text("2202.HK")
    # The English title is left alone.
    expect(page.locator(".title-en")).to_have_text(feature.title_en)
    # Links stay in the Simplified edition.
    expect(page.locator(".site-nav a").first).to_have_attribute(
        "href", re.compile("^/zh-hans/")
    )

    with page.expect_navigation():
        page.locator(".script-switch a", has_text="繁體").click()
    assert page.url == live_server.url + url
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.locator("h1.headline")).to_contain_text("萬科")
    expect(page.locator(".key-points h2")).to_have_text("重點")


def test_reader_filters_a_list_and_shares_it(contexts, live_server, demo):
    context = contexts.new()
    page = context.new_page()
    page.goto("/articles/")
    everything = page.locator(".river .card").count()
    page.get_by_label("類型").select_option(label="簡訊")
    # The company by name, typed in Simplified: the filter folds scripts.
    page.get_by_label("公司").fill("隆基绿能")
    with page.expect_navigation():
        page.get_by_role("button", name="篩選").click()

    assert re.search(r"[?&]kind=brief(&|$)", page.url), page.url
    assert "company=" + quote("隆基绿能") in page.url, page.url
    cards = page.locator(".river .card")
    headlines = cards.locator(".card-headline").all_inner_texts()
    assert 0 < len(headlines) < everything
    expected = list(
        Article.objects.live()
        .filter(kind=Article.Kind.BRIEF, companies__slug="longi")
        .order_by("-publish_at")
        .values_list("headline", flat=True)
    )
    assert headlines == expected
    expect(cards.locator(".kind")).to_have_text(["簡訊"] * len(headlines))
    # The form shows the filter it applied, and offers to clear it.
    expect(page.get_by_label("公司")).to_have_value("隆基绿能")
    expect(page.get_by_role("link", name="清除篩選")).to_be_visible()

    # The URL is the whole state: a new page (as someone it was sent to) gets
    # the same results.
    shared = context.new_page()
    shared.goto(page.url)
    expect(shared.locator(".river .card .card-headline")).to_have_text(headlines)


def test_reader_follows_a_ticker_chip_and_a_ticker_url(contexts, live_server, demo):
    page = contexts.new().new_page()
    page.goto(demo["feature"].get_absolute_url())
    chip = page.locator(".article-header .tickers a.chip", has_text="2202.HK")
    with page.expect_navigation():
        chip.click()
    assert page.url == live_server.url + "/companies/vanke/"
    expect(page.locator("h1")).to_contain_text("萬科企業")
    expect(page.locator(".profile .chip")).to_have_text(["2202.HK", "000002.SZ"])
    expect(
        page.locator(".river .card-headline a", has_text="萬科靠大股東續命")
    ).to_be_visible()

    # Case and zero-padding forgiven: 853.hk is MicroPort's 0853.HK.
    response = page.goto("/tickers/853.hk/")
    assert response.ok
    assert page.url == live_server.url + "/companies/microport/"
    expect(page.locator("h1")).to_contain_text("微創醫療")
    expect(page.locator(".profile .chip")).to_have_text(["0853.HK"])


def test_pages_fit_a_phone_and_a_desktop(contexts, live_server, demo):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = {
        "home": "/",
        "article": demo["feature"].get_absolute_url(),
        "brief": demo["brief"].get_absolute_url(),
        "list": "/articles/?kind=feature",
        "company": "/companies/oneconnect/",
    }
    page = contexts.new().new_page()
    overflowing = []
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        width = viewport["width"]
        for name, url in pages.items():
            page.goto(url)
            fits = page.evaluate(
                "() => document.documentElement.scrollWidth <= window.innerWidth"
            )
            if not fits:
                overflowing.append(f"{url} at {width} px")
            page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    assert overflowing == [], "horizontal scroll on: " + ", ".join(overflowing)
