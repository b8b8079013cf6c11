"""No lost edits: the browser keeps a local copy until the server has the save."""

import os
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from articles.models import Article
from newsroom.display import hk_datetime
from tests.factories import make_article, make_editor

from .conftest import log_in
from .pages import (
    editor,
    expect_saved,
    inline_code,
    open_form,
    state,
    stored_copy,
    submit,
    type_in_editor,
    wait_for_copy,
    wait_ready,
)

pytestmark = pytest.mark.browser


def test_local_copy_survives_a_crashed_tab(contexts):
    user = make_editor()
    article = make_article(headline="原來的標題", body="<p>原來的內文。</p>")
    key = f"article-{article.pk}"
    context = contexts.new(user)

    page = open_form(context.new_page(), article)
    assert state(page) == "none"
    page.fill("#id_headline", "颱風逼近，恒指半日跌二百點")
    type_in_editor(page, "交易所稍後公布安排。")
    wait_for_copy(page, key, "颱風逼近", "交易所稍後公布安排")
    page.close()  # the tab crashes: no save, no unload handlers

    page = open_form(context.new_page(), article)
    banner = page.locator("#nr-local-draft")
    expect(banner).to_be_visible()
    assert state(page) == "offered"
    expect(page.locator("#id_headline")).to_have_value("原來的標題")
    assert inline_code(page) == []
    if path := os.environ.get("NEWSROOM_SCREENSHOT"):
        page.screenshot(path=path, full_page=True)

    banner.locator(".nr-local-draft-restore").click()
    expect(banner).to_be_hidden()
    expect(page.locator("#id_headline")).to_have_value("颱風逼近，恒指半日跌二百點")
    expect(editor(page)).to_contain_text("原來的內文。交易所稍後公布安排。")

    submit(page)
    expect_saved(page)
    article.refresh_from_db()
    assert article.headline == "颱風逼近，恒指半日跌二百點"
    assert "原來的內文。交易所稍後公布安排。" in article.body
    assert stored_copy(page, key) is None

    page = open_form(context.new_page(), article)
    assert state(page) == "none"
    expect(page.locator("#nr-local-draft")).to_be_hidden()


def test_stale_save_is_refused_and_typed_text_kept(contexts):
    alice = make_editor(username="alice")
    bob = make_editor(username="bob")
    article = make_article(headline="原標題")
    key = f"article-{article.pk}"
    page_a = open_form(contexts.new(alice).new_page(), article)
    page_b = open_form(contexts.new(bob).new_page(), article)

    page_a.fill("#id_headline", "甲改的標題")
    submit(page_a)
    expect_saved(page_a)

    page_b.fill("#id_headline", "乙改的標題")
    submit(page_b)
    expect(page_b.locator(".errornote")).to_be_visible()
    expect(page_b.locator(".errorlist.nonfield")).to_contain_text("alice")
    expect(page_b.locator("#id_headline")).to_have_value("乙改的標題")
    expect(page_b.locator("#nr-stale")).to_contain_text("甲改的標題")
    # The form holds the typed text already: no banner, but the copy is kept.
    assert state(page_b) == "kept"
    expect(page_b.locator("#nr-local-draft")).to_be_hidden()
    assert stored_copy(page_b, key)["fields"]["headline"] == "乙改的標題"
    article.refresh_from_db()
    assert article.headline == "甲改的標題"
    assert article.updated_by == alice

    # Having seen A's version, B saves on purpose and wins.
    submit(page_b)
    expect_saved(page_b)
    article.refresh_from_db()
    assert article.headline == "乙改的標題"
    assert article.updated_by == bob
    assert stored_copy(page_b, key) is None


def test_session_expiry_keeps_typed_text(contexts, live_server):
    user = make_editor()
    article = make_article(headline="原標題")
    key = f"article-{article.pk}"
    context = contexts.new(user)
    page = open_form(context.new_page(), article)
    page.fill("#id_headline", "會話過期前打的標題")
    type_in_editor(page, "還有這一句。")
    wait_for_copy(page, key, "會話過期前打的標題", "還有這一句")

    # The session ends while the person types. Only the session cookie goes:
    # the CSRF cookie outlives sessions (without it the POST would end on
    # the CSRF failure page instead, which keeps the copy just the same).
    context.clear_cookies(name="sessionid")
    submit(page)
    assert "/admin/login/" in page.url
    expect(page.locator("#login-form")).to_be_visible()
    assert stored_copy(page, key)["fields"]["headline"] == "會話過期前打的標題"
    article.refresh_from_db()
    assert article.headline == "原標題"

    log_in(context, live_server, user)
    page = open_form(context.new_page(), article)
    banner = page.locator("#nr-local-draft")
    expect(banner).to_be_visible()
    banner.locator(".nr-local-draft-restore").click()
    expect(page.locator("#id_headline")).to_have_value("會話過期前打的標題")
    expect(editor(page)).to_contain_text("還有這一句。")
    submit(page)
    expect_saved(page)
    article.refresh_from_db()
    assert article.headline == "會話過期前打的標題"
    assert "還有這一句。" in article.body


def test_discarded_copy_is_gone(contexts):
    user = make_editor()
    article = make_article(headline="原標題")
    key = f"article-{article.pk}"
    context = contexts.new(user)
    page = open_form(context.new_page(), article)
    page.fill("#id_headline", "不要了的標題")
    wait_for_copy(page, key, "不要了的標題")
    page.close()

    page = open_form(context.new_page(), article)
    banner = page.locator("#nr-local-draft")
    banner.locator(".nr-local-draft-discard").click()
    expect(banner).to_be_hidden()
    expect(page.locator("#id_headline")).to_have_value("原標題")
    assert stored_copy(page, key) is None
    page.reload()
    wait_ready(page)
    assert state(page) == "none"


def test_new_article_copy_is_dropped_once_saved(contexts):
    user = make_editor()
    key = f"article-new-{user.pk}"
    page = open_form(contexts.new(user).new_page())
    page.fill("#id_headline", "新稿：聯儲局維持利率不變")
    type_in_editor(page, "市場普遍預期。")
    wait_for_copy(page, key, "聯儲局")

    submit(page, "input[name='_save']")
    expect_saved(page)
    assert stored_copy(page, key) is None
    article = Article.objects.get()
    assert article.headline == "新稿：聯儲局維持利率不變"
    assert "市場普遍預期。" in article.body


def test_copy_typed_on_an_older_version_is_not_saved_blindly(contexts):
    alice = make_editor(username="alice")
    bob = make_editor(username="bob")
    article = make_article(headline="原標題")
    key = f"article-{article.pk}"
    context_b = contexts.new(bob)
    page_b = open_form(context_b.new_page(), article)
    page_b.fill("#id_headline", "乙未儲存的標題")
    wait_for_copy(page_b, key, "乙未儲存的標題")
    page_b.close()  # B's tab crashes

    page_a = open_form(contexts.new(alice).new_page(), article)
    page_a.fill("#id_headline", "甲已儲存的標題")
    submit(page_a)
    expect_saved(page_a)

    # B comes back: the copy is offered, with a word that it is older.
    page_b = open_form(context_b.new_page(), article)
    banner = page_b.locator("#nr-local-draft")
    expect(banner.locator(".nr-local-draft-older")).to_be_visible()
    banner.locator(".nr-local-draft-restore").click()
    expect(page_b.locator("#id_headline")).to_have_value("乙未儲存的標題")

    # The restored copy keeps the version it was typed on, so the first save
    # is refused and shows A's version instead of overwriting it.
    submit(page_b)
    expect(page_b.locator(".errorlist.nonfield")).to_contain_text("alice")
    expect(page_b.locator("#nr-stale")).to_contain_text("甲已儲存的標題")
    expect(page_b.locator("#id_headline")).to_have_value("乙未儲存的標題")
    article.refresh_from_db()
    assert article.headline == "甲已儲存的標題"

    submit(page_b)
    expect_saved(page_b)
    article.refresh_from_db()
    assert article.headline == "乙未儲存的標題"


def test_local_copy_banner_tells_the_time_in_hong_kong_whatever_the_browser_zone(
    contexts,
):
    user = make_editor()
    article = make_article(headline="原來的標題", body="<p>原來的內文。</p>")
    key = f"article-{article.pk}"
    context = contexts.new(user, timezone_id="America/New_York")
    page = open_form(context.new_page(), article)
    page.fill("#id_headline", "紐約時間打的標題")
    wait_for_copy(page, key, "紐約時間打的標題")
    page.close()

    page = open_form(context.new_page(), article)
    banner = page.locator("#nr-local-draft")
    expect(banner).to_be_visible()
    saved_at = stored_copy(page, key)["savedAt"]
    # The server's own format (newsroom.display), on Hong Kong's clock.
    expected = hk_datetime(datetime.fromtimestamp(int(saved_at) / 1000, tz=UTC))
    expect(banner).to_contain_text(expected)
