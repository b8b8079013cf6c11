"""The import preview in Chromium: upload, correct the split with the keyboard,
create the drafts; and axe-core on the preview (light and dark)."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.factories import make_editor

from .test_accessibility import BLOCKING, axe_script, describe, run_axe  # noqa: F401

pytestmark = pytest.mark.browser

PARA = "公司昨日公布業績，收入按年增長百分之十二，毛利率回升至百分之二十一。"
COPY = (
    f"灣區電力季績勝預期\n\n作者：陳子謙\n\n{PARA}\n\n{PARA * 2}\n\n來源：維港財經\n\n"
    f"維港銀行削減派息\n\n作者：林曉彤\n\n{PARA}\n\n"
    "欲訂閱本站每周免費通訊，請點擊這裏\n"
)


def upload(page):
    page.goto("/admin/articles/importrecord/import/")
    page.set_input_files(
        "#id_file",
        {"name": "feed.txt", "mimeType": "text/plain", "buffer": COPY.encode()},
    )
    expect(page.locator("#id_preview")).to_be_checked()
    page.locator("#import-form input[type=submit]").click()
    expect(page.locator("#import-preview")).to_be_visible()


def test_editor_corrects_the_split_with_the_keyboard_and_creates_drafts(contexts):
    page = contexts.new(make_editor()).new_page()
    upload(page)
    assert Article.objects.count() == 0
    expect(page.locator("section.nr-split-article")).to_have_count(2)
    # Bring back the dropped call to action as body, with the keyboard only.
    junk = page.locator("tr.nr-junk select").last
    junk.focus()
    page.keyboard.press("Home")  # the first role...
    for _ in range(6):  # ...down to "body"
        page.keyboard.press("ArrowDown")
    expect(junk).to_have_value("body")
    page.get_by_role("button", name="更新預覽").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#import-preview")).to_contain_text("欲訂閱本站")
    # Merge the second article into the first, then create.
    merge = page.get_by_role("button", name="把第 2 篇併入上一篇")
    merge.focus()
    page.keyboard.press("Enter")
    expect(page.locator("section.nr-split-article")).to_have_count(1)
    page.get_by_role("button", name="建立草稿").first.click()
    expect(page.locator("#import-report")).to_contain_text("灣區電力季績勝預期")
    article = Article.objects.get()
    assert "維港銀行削減派息" in article.body
    assert "欲訂閱本站" in article.body


def test_import_preview_has_no_serious_violations(axe_script, contexts):  # noqa: F811
    page = contexts.new(make_editor(), bypass_csp=True).new_page()
    failures = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        upload(page)
        blocking = [v for v in run_axe(page, axe_script) if v["impact"] in BLOCKING]
        if blocking:
            failures.append(describe(f"import preview ({scheme})", blocking))
    assert not failures, "axe-core violations:\n" + "\n".join(failures)
