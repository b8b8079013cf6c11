"""People and times, written one way wherever a person reads them:
周慧琳 (family name first, no space), Jane Smith, and 2026年12月6日 12:45 HKT."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from newsletter.models import current_week
from newsroom.display import hk_datetime, person_name
from tests.articles.test_workflow import admin_post_data
from tests.factories import make_article, make_editor, make_live_article, make_writer


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [
        ("慧琳", "周", "周慧琳"),
        ("子軒", "林", "林子軒"),
        ("子轩", "林", "林子轩"),
        ("Jane", "Smith", "Jane Smith"),
        ("Jane", "", "Jane"),
        ("", "周", "周"),
        ("", "", "editor"),
    ],
)
def test_a_person_is_named_as_the_desk_writes_it(first, last, shown):
    user = User(username="editor", first_name=first, last_name=last)
    assert person_name(user) == shown


def test_no_person_is_an_empty_name():
    assert person_name(None) == ""


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime(2026, 12, 6, 4, 45, tzinfo=UTC), "2026年12月6日 12:45 HKT"),
        (datetime(2026, 12, 31, 16, 5, tzinfo=UTC), "2027年1月1日 00:05 HKT"),
    ],
)
def test_a_time_is_written_on_hong_kong_clock_with_hkt(value, shown):
    assert hk_datetime(value) == shown


def test_seconds_are_shown_only_when_asked():
    value = datetime(2026, 12, 6, 4, 50, 50, 906064, tzinfo=UTC)
    assert hk_datetime(value, seconds=True) == "2026年12月6日 12:50:50 HKT"


@pytest.fixture
def chow(db):
    return make_editor(username="editor", first_name="慧琳", last_name="周")


def _admin_html(user, url):
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_welcome_line_names_the_editor_family_name_first(chow):
    html = _admin_html(chow, reverse("admin:index"))
    assert "<strong>周慧琳</strong>" in html
    assert "慧琳 周" not in html


def test_desk_names_who_submitted_family_name_first(chow):
    writer = make_writer(username="writer", first_name="子軒", last_name="林")
    article = make_article(created_by=writer)
    workflow.apply("submit", article, by=writer)
    html = _admin_html(chow, reverse("admin:index"))
    assert "林子軒" in html
    assert "子軒 林" not in html


def test_status_log_names_the_person_not_the_login(chow):
    article = make_article()
    workflow.apply("publish", article, by=chow)
    url = reverse("admin:articles_article_change", args=[article.pk])
    html = _admin_html(chow, url)
    log = html[html.index("nr-transitions") if "nr-transitions" in html else 0 :]
    assert "周慧琳" in log
    assert "<td>editor</td>" not in html


def test_stale_save_message_names_the_person_and_hong_kong_time(chow):
    other = make_editor(username="ben", first_name="Ben", last_name="Wong")
    article = make_article(headline="原標題")
    url = reverse("admin:articles_article_change", args=[article.pk])
    first, second = Client(), Client()
    first.force_login(chow)
    second.force_login(other)
    first_data = admin_post_data(article, headline="周的標題")
    second_data = admin_post_data(article, headline="Ben 的標題")
    assert first.post(url, first_data).status_code == 302
    response = second.post(url, second_data)
    message = response.context["adminform"].form.errors["__all__"][0]
    assert "周慧琳" in message
    assert "HKT" in message


def test_newsletter_picks_show_publish_time_in_hkt(chow, settings):
    from newsletter import composing

    chow.is_superuser = True
    chow.save()
    article = make_live_article(
        kind="feature", publish_at=timezone.now() - timedelta(minutes=5)
    )
    # The week the article is in (just after midnight on a Monday in Hong
    # Kong, that is last week).
    issue = composing.create_issue(current_week(article.publish_at))
    html = _admin_html(chow, reverse("admin:newsletter_issue_change", args=[issue.pk]))
    assert "HKT" in html
    assert "+00:00" not in html


def test_lease_message_after_a_crashed_send_is_in_hkt(db):
    from newsletter import composing, sending
    from newsletter.models import Issue

    article = make_live_article(
        kind="feature", publish_at=timezone.now() - timedelta(hours=1)
    )
    issue = composing.create_issue(current_week(article.publish_at))
    composing.mark_ready(issue)
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENDING)
    with pytest.raises(sending.AlreadySending) as refused:
        sending.start(Issue.objects.get(pk=issue.pk))
    assert "HKT" in str(refused.value)
    assert "+08:00" not in str(refused.value)


def test_history_and_change_list_name_people_and_times_one_way(chow):
    article = make_article(updated_by=chow)
    url = reverse("admin:articles_article_change", args=[article.pk])
    client = Client()
    client.force_login(chow)
    assert (
        client.post(url, admin_post_data(article, headline="新標題")).status_code == 302
    )
    history = _admin_html(
        chow, reverse("admin:articles_article_history", args=[article.pk])
    )
    rows = history[history.index("<tbody") : history.index("</tbody>")]
    assert "周慧琳" in rows and "HKT" in rows
    assert "editor" not in rows
    changelist = _admin_html(chow, reverse("admin:articles_article_changelist"))
    assert "HKT" in changelist[changelist.index('id="result_list"') :]
