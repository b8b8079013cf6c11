"""newsletter/composing.py: a week's default picks, new issues, issue status."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article
from newsletter import composing
from newsletter.models import Issue
from newsletter.rendering import issue_articles
from tests.factories import make_article, make_live_article

pytestmark = pytest.mark.django_db

HKT = ZoneInfo("Asia/Hong_Kong")
WEEK = "2026-W10"  # Monday 2 to Sunday 8 March 2026, Hong Kong time


def at(day, hour=12, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=HKT)


def test_sunday_night_article_belongs_to_its_week_and_monday_morning_to_the_next():
    sunday = make_live_article(headline="週日深夜", publish_at=at(8, 23, 30))
    monday = make_live_article(headline="下週一凌晨", publish_at=at(9, 0, 10))
    assert composing.week_articles(WEEK) == [sunday]
    assert composing.week_articles("2026-W11") == [monday]


def test_monday_midnight_hong_kong_time_starts_the_week_not_utc():
    # 00:30 HKT on Monday 2 March is 16:30 UTC on Sunday 1 March.
    first = make_live_article(publish_at=at(2, 0, 30))
    make_live_article(publish_at=at(1, 23, 59))  # Sunday of the week before
    assert composing.week_articles(WEEK) == [first]


def test_drafts_scheduled_and_unpublished_articles_are_never_picked():
    live = make_live_article(publish_at=at(3))
    make_article(status=Article.Status.DRAFT, headline="草稿")
    make_article(status=Article.Status.REVIEW, headline="審稿中")
    make_article(status=Article.Status.UNPUBLISHED, publish_at=at(4), headline="已撤下")
    # Scheduled: published, but its time has not come yet.
    make_article(
        status=Article.Status.PUBLISHED,
        publish_at=timezone.now() + timedelta(days=1),
        headline="排程中",
    )
    this_week = composing.current_week()
    assert composing.week_articles(WEEK) == [live]
    assert composing.week_articles(this_week) == []


def test_default_picks_are_features_then_briefs_each_newest_first():
    old_brief = make_live_article(kind="brief", publish_at=at(2))
    new_brief = make_live_article(kind="brief", publish_at=at(6))
    old_feature = make_live_article(kind="feature", publish_at=at(3))
    new_feature = make_live_article(kind="feature", publish_at=at(5))
    assert composing.week_articles(WEEK) == [
        new_feature,
        old_feature,
        new_brief,
        old_brief,
    ]


def test_creating_an_issue_prefills_subject_preheader_and_picks():
    feature = make_live_article(
        kind="feature",
        publish_at=at(5),
        headline="港股一週",
        dek="恒指全週升百分之三。",
    )
    brief = make_live_article(kind="brief", publish_at=at(6))
    issue = composing.create_issue("2026-w10")
    assert issue.week == WEEK
    assert issue.status == Issue.Status.DRAFT
    assert "港股一週" in issue.subject
    assert issue.preheader == "恒指全週升百分之三。"
    picks = list(issue.picks.order_by("position"))
    assert [p.article for p in picks] == [feature, brief]
    assert [p.position for p in picks] == [1, 2]


def test_an_explicit_subject_is_kept():
    make_live_article(publish_at=at(5))
    issue = composing.create_issue(WEEK, subject="本週要聞")
    assert issue.subject == "本週要聞"


@pytest.mark.parametrize("week", ["2026-47", "2025-W53", "2026-W00", "", "W47"])
def test_weeks_that_do_not_exist_are_refused(week):
    with pytest.raises(ValidationError):
        composing.parse_week(week)


def test_2026_has_a_53rd_week():
    assert composing.parse_week("2026-W53") == "2026-W53"


def test_fill_with_week_fills_an_empty_issue_only():
    article = make_live_article(publish_at=at(4))
    issue = Issue.objects.create(week=WEEK, subject="空白")
    assert composing.fill_with_week(issue) == 1
    assert [p.article for p in issue.picks.all()] == [article]
    make_live_article(publish_at=at(5))
    # The editor's choice wins: an issue with picks is left alone.
    assert composing.fill_with_week(issue) == 0
    assert issue.picks.count() == 1


def test_fill_with_week_refuses_a_sent_issue():
    issue = Issue.objects.create(week=WEEK, subject="已寄出", status=Issue.Status.SENT)
    with pytest.raises(composing.IssueNotEditable):
        composing.fill_with_week(issue)


def test_mark_ready_needs_a_live_pick_and_a_draft():
    issue = Issue.objects.create(week=WEEK, subject="空白")
    with pytest.raises(composing.NotReady):
        composing.mark_ready(issue)
    make_live_article(publish_at=at(4))
    composing.fill_with_week(issue)
    composing.mark_ready(issue)
    assert issue.status == Issue.Status.READY
    with pytest.raises(composing.NotReady):
        composing.mark_ready(issue)
    composing.back_to_draft(issue)
    assert issue.status == Issue.Status.DRAFT


def test_issue_articles_follow_one_issues_order_when_an_article_is_in_two():
    first = make_live_article(publish_at=at(4))
    second = make_live_article(publish_at=at(5))
    issue = composing.create_issue(WEEK)
    other = Issue.objects.create(week="2026-W11", subject="另一期")
    composing.set_picks(other, [first, second])
    composing.set_picks(issue, [second, first])
    assert issue_articles(issue) == [second, first]
    assert issue_articles(other) == [first, second]


def test_compose_command_creates_the_weeks_issue_once(capsys):
    make_live_article(kind="feature", publish_at=at(4))
    call_command("compose_newsletter", WEEK)
    issue = Issue.objects.get(week=WEEK)
    assert issue.status == Issue.Status.DRAFT
    call_command("compose_newsletter", WEEK)
    assert "left alone" in capsys.readouterr().out
    assert Issue.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("compose_newsletter", "2026-47")


def test_compose_command_defaults_to_the_current_hong_kong_week(monkeypatch, capsys):
    # Sunday 6 December 2026, 18:00 in Hong Kong: still week 49 there.
    sunday = datetime(2026, 12, 6, 18, tzinfo=HKT)
    monkeypatch.setattr(timezone, "now", lambda: sunday)
    make_live_article(kind="brief", publish_at=sunday - timedelta(days=2))
    call_command("compose_newsletter")
    assert list(Issue.objects.values_list("week", flat=True)) == ["2026-W49"]


def test_compose_command_makes_no_empty_issue_unless_asked(capsys):
    call_command("compose_newsletter", WEEK)
    assert Issue.objects.count() == 0
    assert "no live articles" in capsys.readouterr().err
    call_command("compose_newsletter", WEEK, "--allow-empty")
    assert Issue.objects.get(week=WEEK).picks.count() == 0
