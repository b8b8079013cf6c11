"""The web version of a sent issue: /newsletter/<week>/ and under /zh-hans/."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from newsletter import composing
from newsletter.models import Issue
from tests.factories import make_editor, make_live_article, page_html

pytestmark = pytest.mark.django_db

HKT = ZoneInfo("Asia/Hong_Kong")
WEEK = "2026-W10"
URL = f"/newsletter/{WEEK}/"


@pytest.fixture
def issue():
    make_live_article(
        kind="feature",
        headline="國際銀行業務發展",
        publish_at=datetime(2026, 3, 4, 12, tzinfo=HKT),
    )
    make_live_article(
        kind="brief",
        headline="證監會發出新規",
        publish_at=datetime(2026, 3, 5, 12, tzinfo=HKT),
    )
    return composing.create_issue(
        WEEK,
        subject="本週國際銀行",
        preheader="一週要聞",
        editor_note="編者話：市場波動。",
    )


def mark_sent(issue):
    Issue.objects.filter(pk=issue.pk).update(
        status=Issue.Status.SENT, sent_at=timezone.now()
    )


def test_a_sent_issue_has_a_web_version_in_the_sites_look(client, issue):
    mark_sent(issue)
    html = page_html(client, URL)
    assert 'class="masthead"' in html  # base.html
    assert "<h1>本週國際銀行</h1>" in html
    assert "國際銀行業務發展" in html and "證監會發出新規" in html
    assert "編者話：市場波動。" in html
    assert html.index("國際銀行業務發展") < html.index("證監會發出新規")
    assert 'href="/articles/' in html


def test_the_simplified_web_version_is_converted(client, issue):
    mark_sent(issue)
    html = page_html(client, "/zh-hans" + URL)
    assert "国际银行业务发展" in html
    assert "國際銀行業務發展" not in html
    assert 'href="/zh-hans/articles/' in html


@pytest.mark.parametrize("status", ["draft", "ready", "sending"])
def test_an_issue_not_yet_sent_is_404(client, issue, status):
    Issue.objects.filter(pk=issue.pk).update(status=status)
    assert client.get(URL).status_code == 404
    assert client.get("/zh-hans" + URL).status_code == 404


def test_an_issue_sent_again_to_newcomers_stays_online(client, issue):
    # --only-missing sets "sending" again; the first send's date stays.
    mark_sent(issue)
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENDING)
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("url", ["/newsletter/2026-W11/", "/newsletter/2026-47/"])
def test_unknown_or_malformed_weeks_are_404(client, url):
    assert client.get(url).status_code == 404


def test_an_article_taken_offline_leaves_the_web_version(client, issue):
    mark_sent(issue)
    brief = issue.picks.get(article__kind="brief").article
    workflow.apply("unpublish", brief, by=make_editor())
    html = page_html(client, URL)
    assert "證監會發出新規" not in html
    assert "國際銀行業務發展" in html


def test_the_web_version_is_publicly_cacheable(client, issue):
    mark_sent(issue)
    response = client.get(URL)
    assert "public" in response["Cache-Control"]


def test_the_web_version_queries_do_not_grow_with_its_articles(client, issue):
    mark_sent(issue)
    client.get(URL)  # warm caches (Simplified conversion, site-wide lookups)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for day in range(2, 8):
        article = make_live_article(
            kind="brief", publish_at=datetime(2026, 3, day, 9, tzinfo=HKT)
        )
        issue.picks.create(article=article, position=10 + day)
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few)
