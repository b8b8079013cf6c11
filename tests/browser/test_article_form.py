"""The article form in a real browser: editor, live count, workflow buttons."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.factories import make_article, make_company, make_editor, make_writer

from .pages import (
    EDITOR,
    editor,
    expect_saved,
    inline_code,
    open_form,
    submit,
    type_in_editor,
)

pytestmark = pytest.mark.browser

# The image is a data: URL on purpose: the browser loads images in pasted
# HTML while the editor parses it, and a relative src would send a stray
# request to the server that races with the save (and eats its message).
PIXEL = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
PASTED = (
    "<p>貼上的段落<script>alert(1)</script></p>"
    f'<p onclick="alert(2)">點我<img src="{PIXEL}" onerror="alert(3)"></p>'
)


def test_rich_text_editor_loads_and_cleans_paste(contexts):
    user = make_editor()
    article = make_article(body="<p>原有內文。</p>")
    page = contexts.new(user).new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_form(page, article)
    expect(page.locator(".prose-editor .prose-menubar")).to_be_visible()
    expect(editor(page)).to_be_visible()
    expect(editor(page)).to_contain_text("原有內文。")
    assert inline_code(page) == []

    # A paste as the browser delivers it: a ClipboardEvent carrying text/html.
    type_in_editor(page, "")
    handled = page.evaluate(
        """([selector, html]) => {
            const target = document.querySelector(selector);
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "貼上的段落 點我");
            const event = new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true,
            });
            target.dispatchEvent(event);
            return event.defaultPrevented;
        }""",
        [EDITOR, PASTED],
    )
    assert handled, "the editor did not take the paste"
    expect(editor(page)).to_contain_text("貼上的段落")
    expect(editor(page)).to_contain_text("點我")
    submit(page)
    expect_saved(page)
    article.refresh_from_db()
    assert "貼上的段落" in article.body
    assert "點我" in article.body
    for bad in ("<script", "alert", "onclick", "onerror", "<img"):
        assert bad not in article.body

    # What the editor's schema would drop never reaches the server through
    # it, so the server's own cleaning is checked by bypassing the editor:
    # the HTML goes straight into the textarea the form submits.
    page.evaluate(
        """html => { document.querySelector("textarea[name='body']").value = html; }""",
        "<p>經由文字框<script>alert(4)</script></p>" + PASTED,
    )
    submit(page)
    expect_saved(page)
    article.refresh_from_db()
    assert "經由文字框" in article.body
    for bad in ("<script", "alert", "onclick", "onerror", "<img"):
        assert bad not in article.body
    assert dialogs == []
    # The browser met the pasted onerror handler while the editor parsed the
    # paste, and the Content-Security-Policy refused to run it: that console
    # error is the defence working; anything else is a failure.
    refused = "Executing inline event handler violates the following Content"
    contexts.errors[:] = [error for error in contexts.errors if refused not in error]
    assert contexts.errors == []


def test_character_count_updates_live(contexts):
    user = make_editor()
    article = make_article(
        headline="港股收市",
        dek="恒指升 120 點",
        key_points=["科技股領漲", "Tencent rose 3.5%"],
        body="<p>內文第一段。</p><p>Shares of HSBC closed higher.</p>",
    )
    page = open_form(contexts.new(user).new_page(), article)
    chars = page.locator("#nr-meter .nr-meter-chars")
    minutes = page.locator("#nr-meter .nr-meter-minutes")
    # The same rule as the server's (articles/sanitize.py).
    expect(chars).to_have_attribute("data-count", str(article.character_count))
    expect(minutes).to_have_attribute("data-minutes", str(article.reading_minutes))
    before = article.character_count

    page.click("#id_headline")
    page.keyboard.press("End")
    page.keyboard.type("一二三四五")
    expect(chars).to_have_attribute("data-count", str(before + 5))
    type_in_editor(page, "六七")
    expect(chars).to_have_attribute("data-count", str(before + 7))


def test_writer_sees_no_publish_button(contexts):
    writer = make_writer()
    draft = make_article(created_by=writer)
    page = open_form(contexts.new(writer).new_page(), draft)
    submit_button = "button[name='workflow_action'][value='submit']"
    expect(page.locator(submit_button)).to_be_visible()
    expect(
        page.locator("button[name='workflow_action'][value='publish']")
    ).to_have_count(0)
    expect(page.locator("#id_workflow_at")).to_have_count(0)

    editor_user = make_editor()
    in_review = make_article(status=Article.Status.REVIEW)
    page = open_form(contexts.new(editor_user).new_page(), in_review)
    assert not Article.objects.live().filter(pk=in_review.pk).exists()
    submit(page, "button[name='workflow_action'][value='publish']")
    expect_saved(page)
    assert Article.objects.live().filter(pk=in_review.pk).exists()
    in_review.refresh_from_db()
    assert in_review.status == Article.Status.PUBLISHED
    assert in_review.transitions.get().by == editor_user


def test_preview_link_is_selected_on_click(contexts):
    user = make_editor()
    article = make_article()
    page = open_form(contexts.new(user).new_page(), article)
    page.fill("#preview-links input[name='label']", "法務部")
    submit(page, "#preview-links form.nr-inline-form button[type='submit']")
    link = page.locator(".messagelist input.nr-copy")
    # Absolute: whoever gets the link opens it outside the admin.
    expect(link).to_have_value(re.compile(r"^http://localhost:\d+/"))
    link.click()
    selected = page.evaluate(
        """() => {
            const input = document.querySelector(".messagelist input.nr-copy");
            return [input.selectionStart, input.selectionEnd, input.value.length];
        }"""
    )
    assert selected[0] == 0
    assert selected[1] == selected[2] > 0
    assert inline_code(page) == []


def test_editor_accepts_a_company_suggestion_with_one_click(contexts):
    user = make_editor()
    lufax = make_company(name="陸金所控股", aliases=["陸金所"])
    article = make_article(headline="舊標題", body="<p>陸金所今日公布業績。</p>")
    page = contexts.new(user).new_page()
    open_form(page, article)
    panel = page.locator("#nr-company-panel")
    expect(panel.locator(".nr-places mark")).to_have_text(["陸金所"])
    # An unsaved edit in the form goes with the click.
    page.fill("#id_headline", "新標題")
    submit(page, f"button[name='_link_company'][value='{lufax.pk}']")
    expect_saved(page)
    expect(page.locator("#id_headline")).to_have_value("新標題")
    expect(page.locator("#nr-company-panel")).to_have_count(0)
    expect(page.locator(".field-companies")).to_contain_text("陸金所控股")
    article.refresh_from_db()
    assert article.headline == "新標題"
    assert list(article.companies.all()) == [lufax]


def test_enter_in_the_headline_saves_without_a_workflow_action(contexts):
    user = make_editor()
    article = make_article(headline="標題", body="<p>陸金所。</p>")
    make_company(name="陸金所控股", aliases=["陸金所"])
    page = contexts.new(user).new_page()
    open_form(page, article)
    page.fill("#id_headline", "按回車儲存")
    with page.expect_navigation():
        page.press("#id_headline", "Enter")
    article.refresh_from_db()
    assert article.headline == "按回車儲存"
    assert article.status == Article.Status.DRAFT
    assert not article.companies.exists()
