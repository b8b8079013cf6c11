"""Helpers for driving the article change form in the browser tests."""

import json
from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect

# Where the browser tests keep their screenshots (the README shows some).
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"

PREFIX = "newsroom:local-draft:"
# article-form.js sets data-state once the local copy is set up.
READY = "#id_local_draft_key[data-state]:not([data-state='waiting'])"
EDITOR = ".prose-editor .ProseMirror[contenteditable='true']"


def open_form(page, article=None):
    """The change form of ``article`` (the add form without one), set up."""
    if article is None:
        page.goto("/admin/articles/article/add/")
    else:
        page.goto(f"/admin/articles/article/{article.pk}/change/")
    wait_ready(page)
    return page


def wait_ready(page):
    page.wait_for_selector(READY, state="attached")


def state(page):
    return page.get_attribute("#id_local_draft_key", "data-state")


def editor(page):
    return page.locator(EDITOR)


# True when the caret is collapsed with no text after it in the editor.
_CARET_AT_END = """root => {
    const selection = window.getSelection();
    if (!selection.rangeCount || !selection.isCollapsed) return false;
    const caret = selection.getRangeAt(0);
    if (!root.contains(caret.endContainer)) return false;
    const rest = document.createRange();
    rest.setStart(caret.endContainer, caret.endOffset);
    rest.setEnd(root, root.childNodes.length);
    return rest.toString() === "";
}"""


def type_in_editor(page, text):
    """Type at the end of the rich text editor's document."""
    editor(page).click()
    # Keys sent before the editor has focus go nowhere (or to the caret the
    # click left): wait for it.
    expect(editor(page)).to_be_focused()
    # The editor may still put back the caret the click left after
    # Control+End has moved it (seen once in CI: the text went in before the
    # first paragraph), so the caret is checked at the end, twice, before
    # typing.
    for _ in range(40):
        page.keyboard.press("Control+End")
        if editor(page).evaluate(_CARET_AT_END):
            page.wait_for_timeout(50)
            if editor(page).evaluate(_CARET_AT_END):
                break
        page.wait_for_timeout(50)
    else:
        raise AssertionError("the caret did not stay at the end of the editor")
    page.keyboard.type(text)


def stored_copy(page, key):
    text = page.evaluate("key => localStorage.getItem(key)", PREFIX + key)
    return json.loads(text) if text else None


def wait_for_copy(page, key, *texts):
    """Wait until the local copy under ``key`` holds every one of ``texts``."""
    page.wait_for_function(
        """([key, texts]) => {
            const copy = localStorage.getItem(key) || "";
            return texts.every((text) => copy.includes(text));
        }""",
        arg=[PREFIX + key, list(texts)],
    )


def submit(page, selector="input[name='_continue']"):
    """Press a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_load_state()


def expect_saved(page):
    expect(page.locator(".messagelist .success").first).to_be_visible()
    expect(page.locator(".errornote")).to_have_count(0)


def inline_code(page):
    """Inline scripts (other than data) and on* handler attributes on the page.

    All code lives in static files, so a Content-Security-Policy without
    'unsafe-inline' can be set; import maps and JSON are data.
    """
    return page.evaluate(
        """() => [
            ...[...document.querySelectorAll("script:not([src])")]
                .filter((s) => !["importmap", "application/json"].includes(s.type))
                .map((s) => "script: " + s.textContent.slice(0, 80)),
            ...[...document.querySelectorAll("*")].flatMap((el) =>
                [...el.attributes]
                    .filter((a) => a.name.startsWith("on"))
                    .map((a) => el.tagName + " " + a.name)),
        ]"""
    )
