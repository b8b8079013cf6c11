"""The desk's flows end to end, as the people who do them, in a real browser.

A writer writes and submits a brief; an editor (another browser, another
person) finds it, previews it and schedules it, and it goes live on the public
site when its time comes; two editors edit at once; a tab crashes; a preview
link goes out and is revoked; raw copy is imported. Each step leaves a
screenshot at 1280 px under var/screenshots/ (flow-<n>-<step>.png), and each
test checks the outcome in the database and on the page.
"""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect
from taggit.models import Tag

from articles.models import Article, ImportRecord, PreviewLink
from newsroom import pagecache
from tests.factories import make_article, make_author, make_editor, make_writer

from .pages import (
    EDITOR,
    SCREENSHOTS,
    editor,
    expect_saved,
    open_form,
    state,
    stored_copy,
    submit,
    type_in_editor,
    wait_for_copy,
    wait_ready,
)

pytestmark = pytest.mark.browser

CACHE_HEADER = pagecache.HEADER.lower()

# A range copied from a spreadsheet, as Excel puts it on the clipboard
# (Google Sheets' is alike: a bare <table> with its own attributes and styles).
SPREADSHEET_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:x="urn:schemas-microsoft-com:office:excel"
xmlns="http://www.w3.org/TR/REC-html40">
<head><meta name=ProgId content=Excel.Sheet><style>
.xl65 {mso-number-format:"0\\.0";}
</style></head>
<body link="#0563C1" vlink="#954F72">
<!--StartFragment-->
<table border=0 cellpadding=0 cellspacing=0 width=288
 style='border-collapse:collapse;width:216pt'>
 <col width=144 span=2 style='width:108pt'>
 <tr height=19 style='height:14.4pt'>
  <td height=19 class=xl66 width=144 style='height:14.4pt;width:108pt'>公司</td>
  <td class=xl66 width=144 style='width:108pt'>新增產能（GWh）</td>
 </tr>
 <tr height=19 style='height:14.4pt'>
  <td height=19 style='height:14.4pt'>寧德時代</td>
  <td class=xl65 align=right>45.0</td>
 </tr>
 <tr height=19 style='height:14.4pt'>
  <td height=19 style='height:14.4pt'>比亞迪</td>
  <td class=xl65 align=right>30.5</td>
 </tr>
</table>
<!--EndFragment-->
</body></html>"""
SPREADSHEET_TEXT = "公司\t新增產能（GWh）\n寧德時代\t45.0\n比亞迪\t30.5\n"

# Raw copy in the shape of a wire brief (a 簡訊 headline, a ticker in the
# text, a byline line), UTF-8. Our own words.
IMPORTED_BRIEF = Path(__file__).parent / "fixtures" / "wire-brief.txt"


def shot(page, name):
    """Keep a screenshot of the step: var/screenshots/flow-<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"flow-{name}.png", full_page=True)


def png_bytes(width=1200, height=675):
    """A small real PNG (a flat colour with a band), made here, not a fixture."""
    image = Image.new("RGB", (width, height), (18, 94, 160))
    for x in range(width):
        for y in range(height // 3, height // 3 + 40):
            image.putpixel((x, y), (240, 180, 20))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def paste_html(page, html, text):
    """Paste into the rich-text editor as the browser delivers a paste."""
    handled = page.evaluate(
        """([selector, html, text]) => {
            const target = document.querySelector(selector);
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", text);
            const event = new ClipboardEvent("paste", {
                clipboardData: data, bubbles: true, cancelable: true,
            });
            target.dispatchEvent(event);
            return event.defaultPrevented;
        }""",
        [EDITOR, html, text],
    )
    assert handled, "the editor did not take the paste"


def select_text(page, text):
    """Select the first occurrence of ``text`` in the rich-text editor."""
    editor(page).focus()
    found = page.evaluate(
        """([selector, text]) => {
            const root = document.querySelector(selector);
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(text);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + text.length);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                return true;
            }
            return false;
        }""",
        [EDITOR, text],
    )
    assert found, text


def menu_button(page, name):
    """A button of the editor's menu bar, by its command name."""
    return page.locator(f".prose-menubar__button[data-name='{name}']")


# --- a) a writer writes a brief and submits it ---------------------------------


def write_brief(contexts):
    """The writer's part of the flow: returns (writer, the saved article)."""
    writer = make_writer(username="writer_lam", first_name="家朗", last_name="區")
    make_author(name="區家朗", user=writer)
    Tag.objects.create(name="電動車", slug="電動車")  # the desk's tag already
    page = contexts.new(writer).new_page()
    open_form(page)

    page.select_option("#id_kind", "brief")
    page.fill("#id_headline", "簡訊：光伏企業擴產 儲能需求升溫")

    # Bold, typed with the editor's shortcut.
    editor(page).click()
    page.keyboard.press("Control+b")
    page.keyboard.type("寧德時代")
    page.keyboard.press("Control+b")
    page.keyboard.type("周二表示，將擴大儲能電池產能，詳情見公告。")
    # A bulleted list, by the "- " input rule.
    page.keyboard.press("Enter")
    page.keyboard.type("- 新增產能主要供應海外")
    page.keyboard.press("Enter")
    page.keyboard.type("首批產品明年交付")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # out of the list
    # A table, pasted from a spreadsheet.
    paste_html(page, SPREADSHEET_HTML, SPREADSHEET_TEXT)
    expect(editor(page).locator("table td, table th")).to_have_count(6)
    # A link on the word 公告, through the menu bar's link dialog. Last: the
    # dialog hands the focus (and a selection) back to the text a moment
    # after it closes, which would redirect any typing that followed.
    select_text(page, "公告")
    expect(menu_button(page, "link")).not_to_have_class(re.compile("disabled"))
    menu_button(page, "link").click()
    dialog = page.locator("dialog.prose-editor-dialog[open]")
    dialog.locator("input[name='href']").fill("https://www.hkexnews.hk/")
    dialog.locator("button[type='submit']").click()
    expect(dialog).to_have_count(0)
    expect(editor(page).locator("a[href='https://www.hkexnews.hk/']")).to_have_text(
        "公告"
    )

    page.fill("#id_tags", "光伏，儲能、电动车")
    page.set_input_files(
        "#id_hero_image",
        files=[
            {
                "name": "storage-plant.png",
                "mimeType": "image/png",
                "buffer": png_bytes(),
            }
        ],
    )
    page.fill("#id_hero_alt", "儲能電站的電池櫃")
    shot(page, "01-writer-draft")

    submit(page, "button[name='workflow_action'][value='submit']")
    expect_saved(page)
    shot(page, "02-writer-submitted")
    return writer, page, Article.objects.get()


def test_writer_writes_a_brief_and_submits_it_for_review(contexts):
    writer, page, article = write_brief(contexts)

    assert article.status == Article.Status.REVIEW
    assert article.kind == Article.Kind.BRIEF
    assert article.created_by == writer
    assert [a.name for a in article.byline_authors] == ["區家朗"]
    body = article.body
    assert re.search(r"<strong>寧德時代</strong>", body), body
    assert re.search(r'<a href="https://www\.hkexnews\.hk/"[^>]*>公告</a>', body), body
    assert re.search(r"<ul>\s*<li>.*新增產能主要供應海外.*</li>\s*<li>", body, re.S)
    assert re.search(r"</ul>\s*<table>", body), body  # after the list, not in it
    assert "<table" in body and "寧德時代" in body and "30.5" in body
    for dropped in ("style=", "class=", "mso-", "xl65", "<col"):
        assert dropped not in body, body
    # The tag typed in Simplified is the desk's existing Traditional tag.
    assert sorted(article.tags.names()) == sorted(["光伏", "儲能", "電動車"])
    assert Tag.objects.count() == 3
    assert article.hero_image.name.startswith("articles/")
    assert article.hero_image.name.endswith(".png")
    assert default_storage.exists(article.hero_image.name)
    assert article.hero_renditions
    assert article.transitions.get().action == "submit"

    # On the page (the writer's list: a draft in review is no longer theirs to
    # edit): what happened, the note about the tag, the article's new status.
    assert page.url.endswith("/admin/articles/article/")
    messages = page.locator(".messagelist")
    expect(messages).to_contain_text("电动车")
    expect(messages).to_contain_text("電動車")
    row = page.locator("#result_list tbody tr", has_text=article.headline)
    expect(row).to_contain_text(str(article.display_status))


# --- b) an editor previews and schedules it; it goes live on time --------------


@pytest.fixture
def page_cache(settings):
    """The public pages' cache on, as in production: going live on time must
    not wait for a cached page to run out."""
    settings.PAGE_CACHE = True
    settings.PAGE_CACHE_ALIAS = "pages"
    caches["pages"].clear()
    pagecache._local.clear()
    yield
    caches["pages"].clear()
    pagecache._local.clear()


def test_editor_previews_and_schedules_it_and_it_goes_live_on_time(
    contexts, monkeypatch, page_cache
):
    _writer, _page, article = write_brief(contexts)
    chief = make_editor(username="chief_ho", first_name="志明", last_name="何")
    page = contexts.new(chief).new_page()

    # The desk's start page lists it under "in review".
    page.goto("/admin/")
    review = page.locator("#desk-review")
    link = review.get_by_role("link", name=article.headline)
    expect(link).to_be_visible()
    shot(page, "03-editor-desk")
    with page.expect_navigation():
        link.click()
    wait_ready(page)
    assert page.url.endswith(f"/admin/articles/article/{article.pk}/change/")

    # The admin preview opens in a tab of its own, as readers will see it.
    with page.context.expect_page() as opened:
        page.locator(".object-tools a", has_text=re.compile("預覽|Preview")).click()
    preview = opened.value
    preview.wait_for_load_state()
    expect(preview.locator("h1")).to_contain_text("光伏企業擴產")
    expect(preview.locator("strong", has_text="寧德時代")).to_be_visible()
    expect(preview.locator("table td", has_text="比亞迪")).to_be_visible()
    shot(preview, "04-editor-preview")
    preview.close()

    # Schedule it a minute or two ahead (the input takes whole minutes).
    at = timezone.localtime() + timedelta(minutes=2)
    at = at.replace(second=0, microsecond=0)
    page.fill("#id_workflow_at", at.strftime("%Y-%m-%dT%H:%M"))
    submit(page, "button[name='workflow_action'][value='publish']")
    expect_saved(page)
    shot(page, "05-editor-scheduled")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.publish_at == at
    assert article.is_scheduled
    assert not Article.objects.live().filter(pk=article.pk).exists()
    assert article.transitions.latest("at").by == chief
    row = page.locator("#result_list tbody tr", has_text=article.headline)
    expect(row).to_contain_text(str(article.display_status))  # "scheduled"
    expect(row).to_contain_text(at.strftime("%H:%M"))

    # A reader: not on the site yet, and the pages now sit in the cache.
    reader = contexts.new().new_page()
    for url in ("/", "/briefs/"):
        reader.goto(url)
        expect(reader.locator("main")).not_to_contain_text(article.headline)
        assert reader.goto(url).headers.get(CACHE_HEADER) == "hit", url

    # The clock moves past the publish time. Every "now" on the server (what
    # is live, when a cached page runs out) comes from timezone.now(), and the
    # live server runs in this process, so moving that clock is time passing
    # as the server sees it: no minute of waiting, and nothing about the
    # article is touched (setting publish_at back by hand would also bump the
    # cache's tags and prove less). No command runs.
    real_now = timezone.now
    ahead = at - real_now() + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: real_now() + ahead)

    assert Article.objects.live().filter(pk=article.pk).exists()
    for step, url in (("06-public-home", "/"), ("07-public-briefs", "/briefs/")):
        # Rendered afresh: the cached page ran out at the publish time.
        assert reader.goto(url).headers.get(CACHE_HEADER) == "miss", url
        item = reader.locator("main").get_by_role("link", name=article.headline)
        expect(item.first).to_be_visible()
        shot(reader, step)
    with reader.expect_navigation():
        reader.locator("main").get_by_role("link", name=article.headline).first.click()
    expect(reader.locator("h1")).to_contain_text("光伏企業擴產")
    expect(reader.locator("table td", has_text="比亞迪")).to_be_visible()


# --- c) two editors at once: the second save is refused, nothing is lost --------


def test_two_editors_at_once_the_later_save_is_refused_and_kept(contexts):
    """The two-person version of test_local_copy's stale-save test, typing in
    the rich-text editor too."""
    alice = make_editor(username="alice", first_name="陳靜")
    bob = make_editor(username="bob", first_name="李國強")
    article = make_article(headline="恒指半日升百點", body="<p>港股早段高開。</p>")
    page_a = open_form(contexts.new(alice).new_page(), article)
    page_b = open_form(contexts.new(bob).new_page(), article)

    page_a.fill("#id_headline", "恒指半日升二百點")
    type_in_editor(page_a, "科技股領漲。")
    page_b.fill("#id_headline", "恒指半日升百點 內銀股回落")
    type_in_editor(page_b, "內銀股普遍回落。")
    wait_for_copy(page_b, f"article-{article.pk}", "內銀股普遍回落")

    submit(page_a)
    expect_saved(page_a)
    shot(page_a, "08-alice-saved")

    submit(page_b)
    expect(page_b.locator(".errornote")).to_be_visible()
    expect(page_b.locator(".errorlist.nonfield")).to_contain_text("陳靜")
    # Bob's text is still on his page, beside what Alice saved.
    expect(page_b.locator("#id_headline")).to_have_value("恒指半日升百點 內銀股回落")
    expect(editor(page_b)).to_contain_text("港股早段高開。內銀股普遍回落。")
    expect(page_b.locator("#nr-stale")).to_contain_text("恒指半日升二百點")
    expect(page_b.locator("#nr-stale")).to_contain_text("科技股領漲")
    shot(page_b, "09-bob-refused")
    assert stored_copy(page_b, f"article-{article.pk}")["fields"]["headline"] == (
        "恒指半日升百點 內銀股回落"
    )
    article.refresh_from_db()
    assert article.headline == "恒指半日升二百點"
    assert "科技股領漲。" in article.body
    assert "內銀股" not in article.body
    assert article.updated_by == alice
    assert article.version == 2

    # Bob merges Alice's sentence in by hand and saves on purpose.
    type_in_editor(page_b, "科技股領漲。")
    submit(page_b)
    expect_saved(page_b)
    article.refresh_from_db()
    assert article.updated_by == bob
    assert "內銀股普遍回落。科技股領漲。" in article.body
    assert article.version == 3


# --- d) a tab closed mid-edit: the local copy is offered and restored -----------


def test_tab_closed_mid_edit_offers_the_copy_and_restores_it(contexts):
    writer = make_writer()
    article = make_article(
        headline="聯儲局議息前瞻",
        body="<p>市場預期維持利率不變。</p>",
        created_by=writer,
    )
    key = f"article-{article.pk}"
    context = contexts.new(writer)
    page = open_form(context.new_page(), article)
    page.fill("#id_headline", "聯儲局議息前瞻：點陣圖成焦點")
    type_in_editor(page, "")
    page.keyboard.press("Enter")
    page.keyboard.type("- 十年期債息回落")
    page.keyboard.press("Enter")
    page.keyboard.type("美元指數持平")
    wait_for_copy(page, key, "點陣圖成焦點", "美元指數持平")
    shot(page, "10-tab-before-close")
    page.close()  # no save, no unload handlers: as a crash or a closed window

    page = open_form(context.new_page(), article)
    banner = page.locator("#nr-local-draft")
    expect(banner).to_be_visible()
    assert state(page) == "offered"
    expect(page.locator("#id_headline")).to_have_value("聯儲局議息前瞻")
    shot(page, "11-tab-reopened-copy-offered")
    banner.locator(".nr-local-draft-restore").click()
    expect(banner).to_be_hidden()
    expect(page.locator("#id_headline")).to_have_value("聯儲局議息前瞻：點陣圖成焦點")
    expect(editor(page).locator("li")).to_have_text(["十年期債息回落", "美元指數持平"])

    submit(page)
    expect_saved(page)
    article.refresh_from_db()
    assert article.headline == "聯儲局議息前瞻：點陣圖成焦點"
    assert re.search(
        r"<ul><li><p>十年期債息回落</p></li><li><p>美元指數持平", article.body
    )
    assert stored_copy(page, key) is None


# --- e) a preview link for someone without an account, then revoked -------------


def test_preview_link_shows_the_draft_without_login_until_revoked(contexts):
    chief = make_editor()
    article = make_article(
        headline="獨家：示例銀行擬發行永續債", body="<p>消息人士稱。</p>"
    )
    page = open_form(contexts.new(chief).new_page(), article)
    page.fill("#preview-links input[name='label']", "法務部")
    submit(page, "#preview-links form.nr-inline-form button[type='submit']")
    url = page.locator(".messagelist input.nr-copy").input_value()
    link = PreviewLink.objects.get(article=article)
    assert link.label == "法務部" and link.is_active

    outsider = contexts.new().new_page()  # a fresh browser, nobody logged in
    response = outsider.goto(url)
    assert response.status == 200
    assert "noindex" in response.headers.get("x-robots-tag", "")
    assert "no-store" in response.headers.get("cache-control", "")
    expect(outsider.locator("h1")).to_contain_text("示例銀行擬發行永續債")
    expect(outsider.locator("body")).to_contain_text("消息人士稱。")
    shot(outsider, "12-preview-link-open")

    open_form(page, article)
    row = page.locator("#preview-links tbody tr", has_text="法務部")
    with page.expect_navigation():
        row.get_by_role("button").click()
    expect(
        page.locator("#preview-links tbody tr", has_text="法務部")
    ).not_to_have_count(0)
    link.refresh_from_db()
    assert link.revoked_at is not None and not link.is_active

    response = outsider.goto(url)
    assert response.status == 404
    expect(outsider.locator("body")).not_to_contain_text("示例銀行擬發行永續債")
    shot(outsider, "13-preview-link-revoked")
    # The browser reports the 404 itself as a console error: that is the
    # answer this step expects.
    contexts.errors[:] = [e for e in contexts.errors if "status of 404" not in e]


# --- f) importing raw copy lists the new drafts with links ----------------------


def test_import_page_takes_a_file_and_lists_the_new_drafts(contexts):
    chief = make_editor()
    page = contexts.new(chief).new_page()
    page.goto("/admin/articles/importrecord/import/")
    page.set_input_files("#import-form input[name='file']", IMPORTED_BRIEF)
    shot(page, "14-import-chosen")
    with page.expect_navigation():
        page.click("#import-form input[type='submit']")
    # The split is shown first (docs/importer.md); nothing exists until then.
    expect(page.locator("#import-preview")).to_contain_text("示例光伏上調全年出貨目標")
    assert not Article.objects.exists()
    with page.expect_navigation():
        page.get_by_role("button", name="建立草稿").first.click()
    report = page.locator("#import-report")
    expect(report).to_be_visible()
    shot(page, "15-import-report")

    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.kind == Article.Kind.BRIEF
    assert article.headline == "示例光伏上調全年出貨目標"
    assert [a.name for a in article.byline_authors] == ["區家朗"]
    assert "受海外訂單帶動" in article.dek
    assert "分析員認為" in article.body
    assert "0968.HK" in ImportRecord.objects.get(article=article).raw_text
    row = report.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("0968.HK")
    expect(row).to_contain_text("區家朗")
    draft_link = row.get_by_role("link", name=article.headline)
    expect(draft_link).to_have_attribute(
        "href", f"/admin/articles/article/{article.pk}/change/"
    )
    with page.expect_navigation():
        draft_link.click()
    wait_ready(page)
    expect(page.locator("#id_headline")).to_have_value(article.headline)
    # The lead paragraph is the dek, the rest the body.
    expect(page.locator("#id_dek")).to_contain_text("受海外訂單帶動")
    expect(editor(page)).to_contain_text("分析員認為")


# --- tags: Chinese separators, and the existing tag in the other script ----------


def test_tag_field_splits_on_chinese_punctuation_and_offers_the_existing_tag(
    contexts,
):
    chief = make_editor()
    make_article().tags.set(["電動車", "電動車電池", "儲能"])
    article = make_article(headline="車企出海提速")
    page = open_form(contexts.new(chief).new_page(), article)
    tags = page.locator("#id_tags")
    note = page.locator("#id_tags_existing")

    # Suggestions complete the tag being typed, in the other script too, and
    # keep the tags before it.
    tags.press_sequentially("光伏，电动")
    options = page.locator("#id_tags_suggestions option")
    expect(options).to_have_count(2)
    assert [o.get_attribute("value") for o in options.all()] == [
        "光伏，電動車",
        "光伏，電動車電池",
    ]
    expect(note).to_have_text("")

    # The whole name in the other script: the existing tag is offered.
    tags.press_sequentially("车")
    expect(note).to_contain_text("电动车")
    expect(note.get_by_role("button")).to_contain_text("電動車")
    shot(page, "16-tags-existing-offered")
    note.get_by_role("button").click()
    expect(tags).to_have_value("光伏，電動車")
    expect(note).to_have_text("")

    # Not taken up in the browser, the server maps it all the same on save.
    tags.press_sequentially("、储能")
    expect(note).to_contain_text("儲能")
    submit(page)
    expect_saved(page)
    expect(page.locator(".messagelist")).to_contain_text("储能")
    shot(page, "17-tags-saved")
    assert sorted(article.tags.names()) == sorted(["光伏", "電動車", "儲能"])
    assert Tag.objects.count() == 4
    tags_value = page.locator("#id_tags").input_value()
    assert sorted(re.split(r",\s*", tags_value)) == sorted(["光伏", "儲能", "電動車"])
