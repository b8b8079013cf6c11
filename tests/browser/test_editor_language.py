"""The rich text editor's toolbar speaks the admin's language, in both scripts."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_editor

from .pages import open_form

pytestmark = pytest.mark.browser

ENGLISH = re.compile(r"[A-Za-z]{3,}")


@pytest.mark.parametrize(
    ("language", "bold", "table"),
    [("zh-hant", "粗體", "插入表格"), ("zh-hans", "粗体", "插入表格")],
)
def test_toolbar_titles_are_chinese(contexts, live_server, language, bold, table):
    context = contexts.new(make_editor())
    context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page = context.new_page()
    open_form(page)
    menubar = page.locator(".prose-editor .prose-menubar")
    expect(menubar).to_be_visible()
    expect(menubar.locator(f"[title='{bold}']")).to_have_count(1)
    expect(menubar.locator(f"[title='{table}']")).to_have_count(1)
    labels = menubar.evaluate(
        """bar => [...bar.querySelectorAll('[title], [aria-label]')].flatMap(
            e => [e.getAttribute('title'), e.getAttribute('aria-label')]
        ).filter(Boolean)"""
    )
    english = sorted({w for label in labels for w in ENGLISH.findall(label)} - {"HTML"})
    assert english == []
