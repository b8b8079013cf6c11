"""Quick actions from the dashboard and the article list: publish now,
schedule (typed Hong Kong time or a preset), send back with a note. Editors
only, POST only, through the workflow; a refusal changes nothing."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from articles.models import Article, Transition
from tests.factories import make_article

from .desk import THURSDAY_10AM, Clock, hk, in_english, in_review, scheduled

pytestmark = pytest.mark.django_db
Status = Article.Status
LIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, THURSDAY_10AM)


@pytest.fixture
def editor_client(client, editor):
    in_english(client).force_login(editor)
    return client


@pytest.fixture
def writer_client(client, writer):
    in_english(client).force_login(writer)
    return client


def quick(client, article, name, **data):
    url = reverse("admin:articles_article_quick", args=[article.pk, name])
    return client.post(url, {"next": f"{LIST}?status=review", **data})


def said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def state(article):
    article.refresh_from_db()
    return article.status, article.publish_at, article.transitions.count()


# --- editors --------------------------------------------------------------------


def test_editor_publishes_now_and_goes_back_where_they_were(
    clock, editor_client, editor
):
    article = in_review(by=None, at=clock.now, headline="港股收市")

    response = quick(editor_client, article, "publish")

    assert response.status_code == 302
    assert response.url == f"{LIST}?status=review"
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert article.publish_at == clock.now
    assert article.is_live
    last = article.transitions.first()
    assert (last.action, last.by) == ("publish", editor)
    assert said(response) == ["“港股收市” is published."]


def test_editor_schedules_at_a_typed_hong_kong_time(clock, editor_client, editor):
    article = in_review(by=None, at=clock.now)

    response = quick(editor_client, article, "schedule", at="2026-12-04T09:30")

    article.refresh_from_db()
    assert article.publish_at == datetime(2026, 12, 4, 1, 30, tzinfo=UTC)
    assert article.is_scheduled
    assert article.transitions.first().by == editor
    (message,) = said(response)
    assert "2026年12月4日 09:30 HKT" in message
    assert "goes live in 23 h 30 min" in message


def test_editor_schedules_with_a_preset_button(clock, editor_client):
    article = in_review(by=None, at=clock.now)
    html = editor_client.get(f"{LIST}?status=review").content.decode()
    # Thursday 10:00: the next open is Friday's, midday is today's.
    values = {
        name: value
        for value, name in re.findall(
            r'name="preset_at" value="([^"]+)" formnovalidate\s+'
            r'class="button nr-preset nr-preset-(\w+)"',
            html,
        )
    }
    assert values == {
        "open": "2026-12-04T09:30",
        "midday": "2026-12-03T12:00",
        "afternoon": "2026-12-03T13:00",
        "close": "2026-12-03T16:10",
    }

    quick(editor_client, article, "schedule", preset_at=values["midday"], at="")

    article.refresh_from_db()
    assert article.publish_at == hk(2026, 12, 3, 12, 0)


def test_preset_wins_over_a_half_typed_time(clock, editor_client):
    article = in_review(by=None, at=clock.now)
    quick(
        editor_client,
        article,
        "schedule",
        at="2026-12-25T08:00",
        preset_at="2026-12-04T09:30",
    )
    article.refresh_from_db()
    assert article.publish_at == hk(2026, 12, 4, 9, 30)


def test_scheduling_in_the_past_is_refused_and_changes_nothing(clock, editor_client):
    article = in_review(by=None, at=clock.now)
    before = state(article)

    response = quick(editor_client, article, "schedule", at="2026-12-03T09:30")

    assert response.status_code == 302
    assert state(article) == before
    (message,) = said(response)
    assert "has already passed" in message
    assert "2026年12月3日 09:30 HKT" in message


@pytest.mark.parametrize("value", ["", "next friday", "2026-13-40T25:00"])
def test_scheduling_needs_a_real_time(clock, editor_client, value):
    article = in_review(by=None, at=clock.now)
    before = state(article)
    response = quick(editor_client, article, "schedule", at=value)
    assert state(article) == before
    assert len(said(response)) == 1


def test_scheduled_article_can_be_moved_or_brought_forward(clock, editor_client):
    article = scheduled(at=clock.now + timedelta(hours=5))

    quick(editor_client, article, "schedule", at="2026-12-03T12:00")
    article.refresh_from_db()
    assert article.publish_at == hk(2026, 12, 3, 12, 0)
    assert article.transitions.first().action == "reschedule"

    quick(editor_client, article, "publish")
    article.refresh_from_db()
    assert article.publish_at == clock.now
    assert article.is_live


def test_editor_sends_back_with_a_note(clock, editor_client, editor):
    article = in_review(by=None, at=clock.now, headline="業績")

    response = quick(editor_client, article, "send_back", note="請補上數字來源")

    article.refresh_from_db()
    assert article.status == Status.DRAFT
    last = article.transitions.first()
    assert (last.action, last.note, last.by) == ("send_back", "請補上數字來源", editor)
    assert said(response) == ["“業績” was sent back to the writer."]


def test_sending_back_needs_a_note(clock, editor_client):
    article = in_review(by=None, at=clock.now)
    before = state(article)

    response = quick(editor_client, article, "send_back", note="   ")

    assert state(article) == before
    (message,) = said(response)
    assert "a note is required" in message


def test_action_in_the_wrong_state_is_refused_with_a_message(clock, editor_client):
    live = make_article(status=Status.PUBLISHED)
    draft = make_article()
    before = state(live), state(draft)

    publish = quick(editor_client, live, "publish")
    send_back = quick(editor_client, draft, "send_back", note="?")

    assert (state(live), state(draft)) == before
    assert "nothing was changed" in said(publish)[0]
    assert "nothing was changed" in said(send_back)[0]


def test_next_must_be_this_site(clock, editor_client):
    article = in_review(by=None, at=clock.now)
    url = reverse("admin:articles_article_quick", args=[article.pk, "publish"])
    response = editor_client.post(url, {"next": "https://evil.example/admin/"})
    assert response.url == LIST


def test_unknown_quick_action_is_404(clock, editor_client):
    article = in_review(by=None, at=clock.now)
    url = reverse("admin:articles_article_quick", args=[article.pk, "unpublish"])
    assert editor_client.post(url).status_code == 404


# --- refusals -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("publish", {}),
        ("schedule", {"at": "2026-12-04T09:30"}),
        ("schedule", {"preset_at": "2026-12-04T09:30"}),
        ("send_back", {"note": "改"}),
    ],
)
def test_writer_crafted_post_is_refused_and_changes_nothing(
    clock, writer_client, writer, name, data
):
    article = make_article(status=Status.REVIEW, created_by=writer)
    own_draft = make_article(created_by=writer)
    before = state(article), state(own_draft)

    assert quick(writer_client, article, name, **data).status_code == 403
    assert quick(writer_client, own_draft, name, **data).status_code == 403
    assert (state(article), state(own_draft)) == before


@pytest.mark.parametrize("name", ["publish", "schedule", "send_back"])
def test_anonymous_post_is_sent_to_log_in_and_changes_nothing(clock, client, name):
    article = in_review(by=None, at=clock.now)
    before = state(article)
    response = quick(client, article, name, at="2026-12-04T09:30", note="改")
    assert response.status_code == 302
    assert reverse("admin:login") in response.url
    assert state(article) == before


def test_quick_actions_need_post_and_the_csrf_token(clock, editor):
    article = in_review(by=None, at=clock.now)
    before = state(article)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    url = reverse("admin:articles_article_quick", args=[article.pk, "publish"])

    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert state(article) == before


def test_no_transition_is_logged_by_a_refusal(clock, writer_client, writer):
    article = make_article(status=Status.REVIEW, created_by=writer)
    quick(writer_client, article, "publish")
    assert not Transition.objects.exists()


# --- where they are offered -------------------------------------------------------


def test_change_list_offers_quick_actions_to_editors_outside_its_form(
    clock, editor_client
):
    article = in_review(by=None, at=clock.now)

    html = editor_client.get(LIST).content.decode()

    changelist_form = html[html.index('<form id="changelist-form"') :]
    changelist_form = changelist_form[: changelist_form.index("</form>")]
    assert f'form="nr-quick-{article.pk}-publish"' in changelist_form
    assert f'<form id="nr-quick-{article.pk}-publish"' not in changelist_form
    assert f'<form id="nr-quick-{article.pk}-publish"' in html
    assert f'form="nr-quick-{article.pk}-send_back"' in html
    assert 'min="2026-12-03T10:00"' in html


def test_writers_never_see_quick_actions(clock, writer_client, writer):
    make_article(status=Status.REVIEW, created_by=writer)
    make_article(created_by=writer)
    html = writer_client.get(LIST).content.decode()
    assert "nr-quick" not in html
    assert "preset_at" not in html


def test_change_list_row_of_a_scheduled_article_counts_down(clock, editor_client):
    scheduled(at=clock.now + timedelta(hours=2, minutes=15))
    html = editor_client.get(LIST).content.decode()
    assert "goes live in 2 h 15 min" in html


def test_change_form_names_the_hong_kong_zone_and_counts_down(clock, editor_client):
    article = scheduled(at=hk(2026, 12, 3, 12, 15))
    url = reverse("admin:articles_article_change", args=[article.pk])

    html = editor_client.get(url).content.decode()

    assert "2026年12月3日 12:15 HKT" in html
    assert "goes live in 2 h 15 min" in html
    assert "data-nr-schedule-input" in html
    assert 'id="id_workflow_at_warning"' in html
    assert "articles/schedule-check.js" in html
