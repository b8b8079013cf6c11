"""axe-core on the desk: the dashboard (as an editor and as a writer, with
something in every panel and the quick actions open) and the article change
form, in the light and the dark colour scheme. No serious or critical
violation."""

import pytest

from tests.factories import make_editor, make_writer

from .desk_data import fill_every_panel
from .test_accessibility import BLOCKING, axe_script, describe, run_axe  # noqa: F401

pytestmark = pytest.mark.browser

OPEN_ALL = "document.querySelectorAll('details').forEach((d) => { d.open = true; })"


def check(page, url, script, *, open_details=False):
    """Blocking violations on ``url`` in both colour schemes, as text."""
    failures = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        response = page.goto(url)
        assert response.ok, f"{url}: HTTP {response.status}"
        if open_details:
            page.evaluate(OPEN_ALL)
        blocking = [v for v in run_axe(page, script) if v["impact"] in BLOCKING]
        if blocking:
            failures.append(describe(f"{url} ({scheme})", blocking))
    return failures


def test_dashboard_has_no_serious_violations(axe_script, contexts):  # noqa: F811
    editor, writer = make_editor(), make_writer()
    fill_every_panel(editor=editor, writer=writer)
    failures = []
    for user in (editor, writer):
        page = contexts.new(user, bypass_csp=True).new_page()
        failures += check(page, "/admin/", axe_script, open_details=True)
    assert not failures, "axe-core violations:\n" + "\n".join(failures)


def test_article_change_form_has_no_serious_violations(axe_script, contexts):  # noqa: F811
    editor, writer = make_editor(), make_writer()
    review, soon = fill_every_panel(editor=editor, writer=writer)
    page = contexts.new(editor, bypass_csp=True).new_page()
    failures = []
    for article in (review, soon):
        url = f"/admin/articles/article/{article.pk}/change/"
        failures += check(page, url, axe_script)
    failures += check(page, "/admin/articles/article/", axe_script, open_details=True)
    assert not failures, "axe-core violations:\n" + "\n".join(failures)
