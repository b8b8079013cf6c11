"""The desk's start page: each role's panels, their order, Hong Kong days and
windows, caps and counts, and a query count that does not grow with volume."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import workflow
from articles.desk import dashboard
from articles.models import Article
from tests.factories import make_article, make_author, make_company, make_user

from .desk import (
    THURSDAY_10AM,
    Clock,
    corrected,
    hk,
    imported,
    in_english,
    in_review,
    scheduled,
    sent_back,
)

pytestmark = pytest.mark.django_db
Status = Article.Status


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, THURSDAY_10AM)


def panel(board, key):
    return next(view for view in board.panels if view.panel.key == key)


def headlines(board, key):
    return [row.article.headline for row in panel(board, key).rows]


# --- editors -------------------------------------------------------------------


def test_review_queue_is_oldest_first_with_who_submitted_and_when(
    clock, editor, writer
):
    now = clock.now
    in_review(headline="newer", by=writer, at=now - timedelta(hours=1))
    in_review(headline="oldest", by=writer, at=now - timedelta(days=2))
    in_review(headline="older", by=editor, at=now - timedelta(hours=5))
    make_article(headline="a draft")

    board = dashboard.build(editor, now=now)

    assert headlines(board, "review") == ["oldest", "older", "newer"]
    first = panel(board, "review").rows[0]
    assert first.when == now - timedelta(days=2)
    assert first.who == writer.username
    assert first.url == reverse(
        "admin:articles_article_change", args=[first.article.pk]
    )


def test_resubmitted_article_counts_from_its_latest_submission(clock, editor, writer):
    now = clock.now
    article = sent_back(
        headline="resubmitted",
        writer=writer,
        editor=editor,
        at=now - timedelta(days=3),
        note="補數字",
    )
    in_review(headline="waiting", by=writer, at=now - timedelta(days=1))
    clock.now = now - timedelta(hours=2)
    workflow.submit(article, by=writer)

    board = dashboard.build(editor, now=now)

    assert headlines(board, "review") == ["waiting", "resubmitted"]


def test_next_24_hours_are_counted_from_now(clock, editor):
    now = clock.now
    scheduled(headline="in 10 min", at=now + timedelta(minutes=10), by=editor)
    scheduled(headline="in 24 h", at=now + timedelta(hours=24))
    scheduled(headline="in 24 h 1 min", at=now + timedelta(hours=24, minutes=1))
    scheduled(headline="live already", at=now - timedelta(minutes=1))

    board = dashboard.build(editor, now=now)

    assert headlines(board, "scheduled_24h") == ["in 10 min", "in 24 h"]
    rows = panel(board, "scheduled_24h").rows
    assert rows[0].who == editor.username
    assert rows[0].countdown  # "goes live in 10 min", translated


def test_countdown_reads_hours_and_minutes(clock, editor):
    from django.utils import translation

    scheduled(headline="soon", at=clock.now + timedelta(hours=2, minutes=15))
    with translation.override("en"):
        board = dashboard.build(editor, now=clock.now)
    assert panel(board, "scheduled_24h").rows[0].countdown == "goes live in 2 h 15 min"


def test_published_today_is_the_hong_kong_day_not_the_utc_day(monkeypatch, editor):
    # 07:00 in Hong Kong is 23:00 UTC the day before.
    now = hk(2026, 12, 3, 7, 0)
    Clock(monkeypatch, now)
    scheduled(headline="01:00 HK (UTC: yesterday)", at=hk(2026, 12, 3, 1, 0))
    scheduled(headline="00:00 HK", at=hk(2026, 12, 3, 0, 0))
    scheduled(headline="23:59 HK yesterday (UTC: today)", at=hk(2026, 12, 2, 23, 59))
    scheduled(headline="later today", at=hk(2026, 12, 3, 9, 30))

    board = dashboard.build(editor, now=now)

    assert headlines(board, "published_today") == [
        "01:00 HK (UTC: yesterday)",
        "00:00 HK",
    ]
    assert headlines(board, "scheduled_24h") == ["later today"]


def test_recent_corrections_cover_seven_days_newest_first(clock, editor):
    now = clock.now
    corrected(headline="6 days ago", at=now - timedelta(days=6))
    corrected(headline="yesterday", at=now - timedelta(days=1))
    corrected(headline="8 days ago", at=now - timedelta(days=8))

    board = dashboard.build(editor, now=now)

    assert headlines(board, "corrected") == ["yesterday", "6 days ago"]
    assert panel(board, "corrected").rows[0].detail == "新"


def test_imported_drafts_wait_until_someone_saves_them(clock, editor):
    now = clock.now
    imported(headline="older import", at=now - timedelta(hours=3))
    imported(headline="newest import", at=now - timedelta(minutes=5))
    opened = imported(headline="opened and saved", at=now - timedelta(hours=1))
    opened.dek = "編輯加上的導語"
    opened.save()
    make_article(headline="written here, not imported")

    board = dashboard.build(editor, now=now)

    assert headlines(board, "imported") == ["newest import", "older import"]


def test_unknown_tickers_come_from_recent_copy(clock, editor):
    make_company("0700.HK", name="騰訊控股")
    make_article(
        headline="新股",
        body="<p>新公司甲（9999.HK）與騰訊控股（700.HK）合作。</p>",
    )
    imported(
        headline="外電",
        at=clock.now,
        body="<p>乙公司（9999.HK）和丁公司（ABCD.US）。</p>",
    )
    make_article(
        headline="已發佈", status=Status.PUBLISHED, body="<p>丙（8888.HK）</p>"
    )

    board = dashboard.build(editor, now=clock.now)

    tickers = {str(row.ticker): row for row in board.unknown_tickers}
    assert set(tickers) == {"9999.HK", "ABCD.US"}
    assert {a.headline for a in tickers["9999.HK"].articles} == {"新股", "外電"}
    assert board.unknown_ticker_count == 2
    assert "ticker=9999.HK" in tickers["9999.HK"].create_url


def test_panels_cap_their_rows_and_count_all(clock, editor, writer):
    for hours in range(dashboard.ROWS + 2):
        in_review(by=writer, at=clock.now - timedelta(hours=hours + 1))

    view = panel(dashboard.build(editor, now=clock.now), "review")

    assert len(view.rows) == dashboard.ROWS
    assert view.count == dashboard.ROWS + 2
    assert view.more == 2
    assert view.list_url.endswith("?desk=review")


def test_panel_link_lists_exactly_the_panels_articles(clock, editor_client, editor):
    for minutes in (10, 20, 30):
        scheduled(at=clock.now + timedelta(minutes=minutes))
    scheduled(headline="next week", at=clock.now + timedelta(days=7))
    url = panel(dashboard.build(editor, now=clock.now), "scheduled_24h").list_url

    response = editor_client.get(url)

    assert response.status_code == 200
    assert response.context["cl"].result_count == 3
    assert "next week" not in response.content.decode()


# --- writers -------------------------------------------------------------------


def test_writer_sees_own_drafts_sent_back_scheduled_and_published(
    clock, writer, editor
):
    now = clock.now
    other = make_user("Writers")
    own_author = make_author(user=writer)
    make_article(headline="my draft", created_by=writer)
    make_article(headline="on my byline", authors=[own_author])
    make_article(headline="someone else's draft", created_by=other)
    sent_back(
        headline="needs work",
        writer=writer,
        editor=editor,
        at=now - timedelta(hours=1),
        note="請補上數字來源",
    )
    in_review(headline="in review", by=writer, at=now - timedelta(hours=2))
    scheduled(headline="mine tomorrow", at=now + timedelta(days=1), created_by=writer)
    scheduled(headline="theirs tomorrow", at=now + timedelta(days=1), created_by=other)
    scheduled(headline="mine live", at=now - timedelta(days=2), created_by=writer)
    scheduled(headline="mine long ago", at=now - timedelta(days=90), created_by=writer)

    board = dashboard.build(writer, now=now)

    assert [view.panel.key for view in board.panels] == [
        "my_drafts",
        "sent_back",
        "my_scheduled",
        "my_published",
    ]
    assert set(headlines(board, "my_drafts")) == {"my draft", "on my byline"}
    assert headlines(board, "sent_back") == ["needs work"]
    back = panel(board, "sent_back").rows[0]
    assert back.note == "請補上數字來源"
    assert back.who == editor.username
    assert headlines(board, "my_scheduled") == ["mine tomorrow"]
    assert panel(board, "my_scheduled").rows[0].countdown
    assert headlines(board, "my_published") == ["mine live"]
    assert board.unknown_tickers is None
    assert all(row.controls is None for view in board.panels for row in view.rows)


def test_a_resubmitted_draft_is_no_longer_sent_back(clock, writer, editor):
    article = sent_back(
        writer=writer, editor=editor, at=clock.now - timedelta(days=1), note="改"
    )
    workflow.submit(article, by=writer)
    workflow.send_back(article, by=editor, note="再改")
    board = dashboard.build(writer, now=clock.now)
    assert [r.note for r in panel(board, "sent_back").rows] == ["再改"]

    workflow.submit(article, by=writer)
    board = dashboard.build(writer, now=clock.now)
    assert panel(board, "sent_back").rows == []
    assert panel(board, "my_drafts").rows == []


def test_editor_rows_offer_quick_actions_where_they_apply(clock, editor, writer):
    in_review(by=writer, at=clock.now - timedelta(hours=1))
    scheduled(at=clock.now + timedelta(hours=2))
    scheduled(at=clock.now - timedelta(hours=2))

    board = dashboard.build(editor, now=clock.now)

    review = panel(board, "review").rows[0].controls
    assert (review.publish, review.schedule, review.send_back) == (True, True, True)
    soon = panel(board, "scheduled_24h").rows[0].controls
    assert (soon.publish, soon.send_back) == (True, False)
    assert panel(board, "published_today").rows[0].controls is None


def test_someone_without_articles_gets_no_panels(db):
    assert dashboard.build(make_user()).panels == []


# --- queries -------------------------------------------------------------------


def _fill(clock, writer, editor, n):
    now = clock.now
    for i in range(n):
        minutes = timedelta(minutes=i + 1)
        in_review(by=writer, at=now - minutes, body="<p>（0005.HK）（7777.HK）</p>")
        scheduled(at=now + minutes, by=editor, created_by=writer)
        scheduled(at=now - minutes, by=editor, created_by=writer)
        corrected(at=now - minutes, created_by=writer)
        imported(at=now - minutes, by=writer, body=f"<p>（{1000 + i}.HK）</p>")
        make_article(created_by=writer)
        sent_back(writer=writer, editor=editor, at=now - minutes, note="改")


def _queries(callable_):
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured.captured_queries)


@pytest.mark.parametrize("role", ["editor", "writer"])
def test_dashboard_queries_do_not_grow_with_volume(clock, editor, writer, role):
    user = editor if role == "editor" else writer
    make_company("0005.HK")
    _fill(clock, writer, editor, 3)
    dashboard.build(user, now=clock.now)  # loads the user's permissions, once
    small = _queries(lambda: dashboard.build(user, now=clock.now))
    _fill(clock, writer, editor, 27)
    board = dashboard.build(user, now=clock.now)
    large = _queries(lambda: dashboard.build(user, now=clock.now))

    assert all(len(view.rows) == dashboard.ROWS for view in board.panels)
    assert large == small
    assert small <= (9 if role == "editor" else 6)


def test_dashboard_page_queries_do_not_grow_with_volume(clock, client, editor, writer):
    client.force_login(editor)
    url = reverse("admin:index")
    make_company("0005.HK")
    _fill(clock, writer, editor, 3)
    client.get(url)  # warm per-process caches (content types, permissions)
    small = _queries(lambda: client.get(url))
    _fill(clock, writer, editor, 27)
    large = _queries(lambda: client.get(url))
    assert large == small


# --- the page --------------------------------------------------------------------


def test_editor_lands_on_the_dashboard_with_the_admin_list_below(
    clock, client, editor, writer
):
    in_english(client).force_login(editor)
    article = in_review(headline="待審稿件", by=writer, at=clock.now)

    response = client.get(reverse("admin:index"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "In review" in html
    assert "Going live in the next 24 hours" in html
    assert reverse("admin:articles_article_change", args=[article.pk]) in html
    assert 'id="nr-apps"' in html  # the app list is still there
    assert f'id="nr-quick-review-{article.pk}-publish"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_writer_dashboard_has_no_quick_actions(clock, client, writer, editor):
    in_english(client).force_login(writer)
    sent_back(writer=writer, editor=editor, at=clock.now, note="請補充")

    html = client.get(reverse("admin:index")).content.decode()

    assert "Sent back to me" in html
    assert "請補充" in html
    assert "nr-quick" not in html


def test_dashboard_is_traditional_chinese_by_default(clock, client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    assert response.headers["Content-Language"] == "zh-hant"
