"""The pages a Hong Kong desk and its readers see first, in both scripts, with
screenshots at 1280 px in var/screenshots/ (hk-*.png): the desk, an article
with its company named the Hong Kong way (騰訊(700)), the newsletter sign-up."""

import pytest
from playwright.sync_api import expect

from tests.factories import (
    make_author,
    make_company,
    make_editor,
    make_live_article,
    make_writer,
)

from .desk_data import fill_every_panel
from .pages import SCREENSHOTS

pytestmark = pytest.mark.browser

SCRIPTS = [("zh-hant", ""), ("zh-hans", "/zh-hans")]


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"hk-{name}.png", full_page=True)


@pytest.mark.parametrize(("language", "prefix"), SCRIPTS)
def test_desk_names_people_as_the_desk_writes_them(
    contexts, live_server, language, prefix
):
    editor = make_editor(first_name="慧琳", last_name="周")
    writer = make_writer(first_name="子軒", last_name="林")
    fill_every_panel(editor=editor, writer=writer)
    context = contexts.new(editor)
    context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto("/admin/")
    expect(page.locator("#user-tools strong")).to_have_text("周慧琳")
    expect(page.locator("#desk-review")).to_contain_text(
        "林子軒" if not prefix else "林子"
    )
    expect(page.locator("#desk-review")).to_contain_text("HKT")
    expect(page.locator(".nr-preset-close").first).to_be_attached()
    shoot(page, f"desk-{language}")


@pytest.mark.parametrize(("language", "prefix"), SCRIPTS)
def test_article_links_the_company_named_with_its_code(contexts, language, prefix):
    tencent = make_company("0700.HK", name="騰訊控股", name_en="Tencent")
    article = make_live_article(
        kind="feature",
        headline="騰訊回購股份 全年涉資逾千億",
        dek="騰訊(700)延續回購計劃，分析員看好股東回報。",
        body=(
            "<p>騰訊(700)今日再次在市場回購股份，連同年初至今的回購，涉資已逾千億元。</p>"
            "<h2>股東回報</h2><p>分析員指，回購配合派息，令股東回報維持吸引。</p>"
        ),
        authors=[make_author(name="陳大文")],
    )
    article.tags.add("回購", "科技股", "港股")
    article.companies.add(tencent)
    page = contexts.new().new_page()
    page.goto(prefix + article.get_absolute_url())
    body = page.locator("article .body")
    expect(
        body.locator(f"a[href='{prefix}{tencent.get_absolute_url()}']")
    ).to_have_count(1)
    expect(page.locator(".tags .tag")).to_have_text(
        ["#回購", "#科技股", "#港股"] if not prefix else ["#回购", "#科技股", "#港股"]
    )
    expect(page.locator(f"header a[href='{prefix}/newsletter/']")).to_be_visible()
    shoot(page, f"article-{language}")


@pytest.mark.parametrize(("language", "prefix"), SCRIPTS)
def test_newsletter_sign_up_is_reached_from_the_header(contexts, language, prefix):
    page = contexts.new().new_page()
    page.goto(prefix + "/")
    with page.expect_navigation():
        page.locator(f"header a[href='{prefix}/newsletter/']").click()
    expect(page.locator("#newsletter-email")).to_be_visible()
    expect(page.locator("#issues-title")).to_be_visible()
    shoot(page, f"newsletter-{language}")
