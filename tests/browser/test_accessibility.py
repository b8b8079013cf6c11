"""axe-core on the public site: no serious or critical violation.

axe-core comes from the npm registry (tests/browser/package.json, pinned in
package-lock.json); ``make browser`` installs it with ``npm ci``. The test
injects its axe.min.js into each page and runs the WCAG 2.0/2.1 A and AA
rules plus axe's best practices, in the light and the dark colour scheme.
"""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = {"serious", "critical"}


@pytest.fixture
def axe_script():
    if os.environ.get("NEWSROOM_SKIP_BROWSER") == "1":
        pytest.skip("NEWSROOM_SKIP_BROWSER=1: browser tests skipped")
    if not AXE.is_file():
        pytest.fail(
            f"{AXE} is missing: run `make browser` to install axe-core "
            "(or set NEWSROOM_SKIP_BROWSER=1 to skip the browser tests).",
            pytrace=False,
        )
    return str(AXE)


def run_axe(page, script):
    page.add_script_tag(path=script)
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}})
            .then((results) => results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 4).map((n) => n.target.join(" ")),
                count: v.nodes.length,
            })))""",
        RULE_TAGS,
    )


def describe(url, violations):
    return "\n".join(
        f"{url}: {v['id']} ({v['impact']}, {v['count']} nodes): {v['help']}\n"
        + "".join(f"    {target}\n" for target in v["targets"])
        for v in violations
    )


def test_public_pages_have_no_serious_violations(axe_script, contexts):
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    live = Article.objects.live()
    feature = live.filter(kind=Article.Kind.FEATURE, headline__contains="萬科").get()
    brief = live.filter(kind=Article.Kind.BRIEF, headline__contains="隆基綠能").get()
    urls = [
        "/",
        "/briefs/?company=vanke",
        feature.get_absolute_url(),
        brief.get_absolute_url(),
        "/companies/vanke/",
        "/zh-hans" + feature.get_absolute_url(),
    ]
    # axe-core is injected as an inline script, which the policy refuses.
    page = contexts.new(bypass_csp=True).new_page()
    failures = []
    # Contrast is checked in both colour schemes (prefers-color-scheme).
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for url in urls:
            response = page.goto(url)
            assert response.ok, f"{url}: HTTP {response.status}"
            violations = run_axe(page, axe_script)
            where = f"{url} ({scheme})"
            blocking = [v for v in violations if v["impact"] in BLOCKING]
            if blocking:
                failures.append(describe(where, blocking))
    assert not failures, "axe-core violations:\n" + "\n".join(failures)
