"""The desk's start page in a real browser: an editor logs in and lands on
the dashboard; quick actions and the past-time check work under the site's
Content-Security-Policy. Screenshots at 1280 px go to var/screenshots/
(dashboard-editor.png, dashboard-writer.png) for the README."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.factories import make_editor, make_writer

from .desk_data import fill_every_panel
from .pages import SCREENSHOTS, inline_code, open_form

pytestmark = pytest.mark.browser

PASSWORD = "pw-for-tests-123"


def log_in_with_the_form(page, user):
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type='submit']")


@pytest.mark.parametrize("role", ["editor", "writer"])
def test_person_logs_in_and_lands_on_the_dashboard(contexts, live_server, role):
    editor, writer = make_editor(), make_writer()
    fill_every_panel(editor=editor, writer=writer)
    user = editor if role == "editor" else writer
    page = contexts.new().new_page()

    log_in_with_the_form(page, user)

    assert page.url == f"{live_server.url}/admin/"
    first_panel = "#desk-review" if role == "editor" else "#desk-my_drafts"
    expect(page.locator(first_panel)).to_be_visible()
    expect(page.locator("#nr-apps")).to_be_attached()
    if role == "editor":
        expect(page.locator("#desk-review tbody tr")).to_have_count(2)
        expect(page.locator("#desk-tickers")).to_contain_text("9999.HK")
    else:
        expect(page.locator("#desk-sent_back")).to_contain_text("請補上債權人名單")
        expect(page.locator(".nr-quick")).to_have_count(0)
    assert inline_code(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"dashboard-{role}.png", full_page=True)


def test_editor_publishes_from_the_dashboard(contexts):
    editor, writer = make_editor(), make_writer()
    review, _soon = fill_every_panel(editor=editor, writer=writer)
    page = contexts.new(editor).new_page()
    page.goto("/admin/")
    row = page.locator("#desk-review tr", has_text=review.headline)

    row.locator("summary").first.click()
    with page.expect_navigation():
        row.locator(".nr-quick-publish").click()

    assert page.url.endswith("/admin/")
    expect(page.locator(".messagelist .success")).to_contain_text(review.headline)
    review.refresh_from_db()
    assert review.status == Article.Status.PUBLISHED


def test_a_past_time_is_flagged_before_anything_is_sent(contexts):
    editor, writer = make_editor(), make_writer()
    review, _soon = fill_every_panel(editor=editor, writer=writer)
    page = contexts.new(editor).new_page()

    # On the dashboard: the quick schedule.
    page.goto("/admin/")
    row = page.locator("#desk-review tr", has_text=review.headline)
    row.locator("summary").first.click()
    field = row.locator("input[data-nr-schedule-input]")
    field.fill("2020-01-02T09:30")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(row.locator(".nr-past-warning")).not_to_be_empty()
    # The browser's own check (min) and ours both stop the form.
    row.locator(".nr-quick-schedule-go").click()
    page.wait_for_timeout(300)
    assert page.url.endswith("/admin/")
    review.refresh_from_db()
    assert review.status == Article.Status.REVIEW

    # On the change form, which the browser does not validate (novalidate).
    open_form(page, review)
    at = page.locator("#id_workflow_at")
    at.fill("2020-01-02T09:30")
    expect(page.locator("#id_workflow_at_warning")).not_to_be_empty()
    page.locator("button[value='publish']").click()
    page.wait_for_timeout(300)
    expect(at).to_be_focused()
    review.refresh_from_db()
    assert review.status == Article.Status.REVIEW
    at.fill("2099-01-02T09:30")
    expect(page.locator("#id_workflow_at_warning")).to_be_empty()
    expect(at).not_to_have_attribute("aria-invalid", "true")
