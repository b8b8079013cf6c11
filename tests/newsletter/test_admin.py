"""The newsletter in the admin: issues, picks, previews, status buttons."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from newsletter import composing
from newsletter.models import Delivery, Issue, IssuePick, Subscriber, SubscriptionEvent
from tests.factories import make_article, make_editor, make_live_article, make_writer

pytestmark = pytest.mark.django_db

HKT = ZoneInfo("Asia/Hong_Kong")
WEEK = "2026-W10"


def at(day, hour=12):
    return datetime(2026, 3, day, hour, tzinfo=HKT)


@pytest.fixture
def desk(client):
    """An editor: the Editors group runs the newsletter (articles/roles.py)."""
    client.force_login(make_editor())
    return client


def test_writers_do_not_see_the_newsletter_admin(client):
    client.force_login(make_writer())
    assert client.get("/admin/newsletter/issue/").status_code == 403


@pytest.fixture
def articles(django_capture_on_commit_callbacks):
    """The week's feature, then its briefs newest first (the default order)."""
    # Executing on-commit callbacks puts them in the admin's search index.
    with django_capture_on_commit_callbacks(execute=True):
        return [
            make_live_article(
                kind="feature", headline="國際銀行業務發展", publish_at=at(3)
            ),
            make_live_article(kind="brief", headline="港股全週上升", publish_at=at(5)),
            make_live_article(
                kind="brief", headline="證監會發出新規", publish_at=at(4)
            ),
        ]


@pytest.fixture
def issue(articles):
    return composing.create_issue(WEEK)


def change_url(issue):
    return reverse("admin:newsletter_issue_change", args=[issue.pk])


def picks_post(issue, order, **fields):
    """The change form's POST with the picks in ``order`` (a list of picks)."""
    data = {
        "subject": issue.subject,
        "preheader": issue.preheader,
        "editor_note": issue.editor_note,
        "picks-TOTAL_FORMS": str(len(order)),
        "picks-INITIAL_FORMS": str(len(order)),
        "picks-MIN_NUM_FORMS": "0",
        "picks-MAX_NUM_FORMS": "1000",
        "_continue": "1",
        **fields,
    }
    for n, pick in enumerate(order):
        data[f"picks-{n}-id"] = str(pick.pk)
        data[f"picks-{n}-issue"] = str(issue.pk)
        data[f"picks-{n}-article"] = str(pick.article_id)
        data[f"picks-{n}-position"] = str(n + 1)
    return data


def new_issue_data(week):
    """The admin's "add issue" form as posted with only the week typed."""
    return {
        "week": week,
        "subject": "",
        "preheader": "",
        "editor_note": "",
        "picks-TOTAL_FORMS": "0",
        "picks-INITIAL_FORMS": "0",
        "picks-MIN_NUM_FORMS": "0",
        "picks-MAX_NUM_FORMS": "1000",
    }


def test_creating_an_issue_in_the_admin_prefills_subject_and_picks(desk, articles):
    response = desk.get(reverse("admin:newsletter_issue_add"))
    assert response.status_code == 200
    response = desk.post(
        reverse("admin:newsletter_issue_add"), new_issue_data("2026-w10")
    )
    assert response.status_code == 302
    issue = Issue.objects.get(week=WEEK)
    assert "國際銀行業務發展" in issue.subject
    assert [p.article for p in issue.picks.all()] == articles


def test_a_week_that_does_not_exist_is_refused_in_the_form(desk):
    response = desk.post(
        reverse("admin:newsletter_issue_add"),
        {"week": "2025-W53", "picks-TOTAL_FORMS": "0", "picks-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200
    assert "2025-W53" in response.content.decode()
    assert not Issue.objects.exists()


def test_a_subject_with_a_line_break_is_refused_in_the_form(desk, issue):
    picks = list(issue.picks.all())
    response = desk.post(
        change_url(issue), picks_post(issue, picks, subject="週報\r\nBcc: x@evil")
    )
    assert response.status_code == 200
    issue.refresh_from_db()
    assert "Bcc" not in issue.subject


def test_editor_reorders_picks(desk, issue):
    feature, newer, older = issue.picks.all()
    response = desk.post(change_url(issue), picks_post(issue, [older, feature, newer]))
    assert response.status_code == 302, response.content.decode()[:2000]
    order = [p.article.headline for p in issue.picks.order_by("position")]
    assert order == ["證監會發出新規", "國際銀行業務發展", "港股全週上升"]


def test_editor_removes_a_pick(desk, issue):
    feature, brief, other = issue.picks.all()
    data = picks_post(issue, [feature, brief, other])
    data["picks-1-DELETE"] = "on"
    assert desk.post(change_url(issue), data).status_code == 302
    assert [p.article for p in issue.picks.all()] == [feature.article, other.article]


def test_editor_adds_a_live_article_but_not_a_draft(desk, issue):
    picks = list(issue.picks.all())
    live = make_live_article(headline="另一篇")
    draft = make_article(status=Article.Status.DRAFT, headline="草稿")
    for article, saved in ((draft, False), (live, True)):
        data = picks_post(issue, picks)
        data["picks-TOTAL_FORMS"] = str(len(picks) + 1)
        data[f"picks-{len(picks)}-article"] = str(article.pk)
        data[f"picks-{len(picks)}-position"] = "9"
        data[f"picks-{len(picks)}-issue"] = str(issue.pk)
        response = desk.post(change_url(issue), data)
        assert (response.status_code == 302) is saved
        assert IssuePick.objects.filter(issue=issue, article=article).exists() is saved


def test_pick_autocomplete_offers_live_articles_only(
    desk, issue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_article(status=Article.Status.DRAFT, headline="銀行草稿")
        make_article(
            status=Article.Status.PUBLISHED, publish_at=at(30, 0).replace(year=2099),
            headline="銀行排程",
        )  # fmt: skip
    response = desk.get(
        reverse("admin:newsletter_issuepick_autocomplete"),
        {
            "term": "銀行",
            "app_label": "newsletter",
            "model_name": "issuepick",
            "field_name": "article",
        },
    )
    assert response.status_code == 200
    texts = [result["text"] for result in response.json()["results"]]
    assert texts == ["國際銀行業務發展"]
    page = desk.get(change_url(issue)).content.decode()
    assert reverse("admin:newsletter_issuepick_autocomplete") in page


@pytest.mark.parametrize("script", ["zh-Hant", "zh-Hans"])
def test_editor_previews_html_and_text_in_both_scripts(desk, issue, script):
    page = desk.get(change_url(issue)).content.decode()
    for fmt in ("html", "text"):
        url = reverse("admin:newsletter_issue_preview", args=[issue.pk, script, fmt])
        assert url in page
        response = desk.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        if script == "zh-Hans":
            assert "国际银行业务发展" in body
            assert "證監會" not in body and "证监会发出新规" in body
        else:
            assert "國際銀行業務發展" in body and "證監會發出新規" in body
        expected = "text/html" if fmt == "html" else "text/plain"
        assert response["Content-Type"].startswith(expected)
    html = desk.get(
        reverse("admin:newsletter_issue_preview", args=[issue.pk, script, "html"])
    ).content.decode()
    assert "<table" in html


def test_preview_of_an_unknown_script_is_404(desk, issue):
    url = reverse("admin:newsletter_issue_preview", args=[issue.pk, "en", "html"])
    assert desk.get(url).status_code == 404


def test_fill_button_fills_an_empty_issue(desk, articles):
    issue = Issue.objects.create(week=WEEK, subject="空白")
    page = desk.get(change_url(issue)).content.decode()
    fill = reverse("admin:newsletter_issue_status", args=[issue.pk, "fill"])
    assert fill in page
    assert desk.post(fill).status_code == 302
    assert [p.article for p in issue.picks.all()] == articles


def test_fill_action_fills_empty_issues_only(desk, articles, issue):
    empty = Issue.objects.create(week="2026-W11", subject="空白")
    make_live_article(publish_at=datetime(2026, 3, 10, 12, tzinfo=HKT))
    before = list(issue.picks.values_list("article", flat=True))
    desk.post(
        reverse("admin:newsletter_issue_changelist"),
        {"action": "fill_selected", "_selected_action": [issue.pk, empty.pk]},
    )
    assert list(issue.picks.values_list("article", flat=True)) == before
    assert empty.picks.count() == 1


def test_mark_ready_and_back_to_draft_buttons(desk, issue):
    ready = reverse("admin:newsletter_issue_status", args=[issue.pk, "ready"])
    assert desk.post(ready).status_code == 302
    issue.refresh_from_db()
    assert issue.status == Issue.Status.READY
    desk.post(reverse("admin:newsletter_issue_status", args=[issue.pk, "draft"]))
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT


def test_status_buttons_need_post(desk, issue):
    url = reverse("admin:newsletter_issue_status", args=[issue.pk, "ready"])
    assert desk.get(url).status_code == 405


def test_a_sent_issue_is_read_only(desk, issue):
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT)
    issue.refresh_from_db()
    response = desk.get(change_url(issue))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="subject"' not in page
    assert 'name="picks-0-article"' not in page
    desk.post(change_url(issue), picks_post(issue, [], subject="改過"))
    issue.refresh_from_db()
    assert issue.subject != "改過"
    fill = reverse("admin:newsletter_issue_status", args=[issue.pk, "fill"])
    assert desk.post(fill).status_code == 403


def test_changelists_load(desk, issue):
    reader = Subscriber.objects.create(email="r@example.com", status="active")
    Delivery.objects.create(
        issue=issue, subscriber=reader, email=reader.email, script="zh-Hant"
    )
    for name in ("issue", "subscriber", "delivery"):
        assert (
            desk.get(reverse(f"admin:newsletter_{name}_changelist")).status_code == 200
        )


def test_an_editor_unsubscribes_someone_and_the_event_says_so(desk):
    reader = Subscriber.objects.create(email="r@example.com", status="active")
    desk.post(
        reverse("admin:newsletter_subscriber_changelist"),
        {"action": "unsubscribe_selected", "_selected_action": [reader.pk]},
    )
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED
    event = reader.events.get()
    assert event.method == SubscriptionEvent.Method.ADMIN


def test_send_a_proof_to_me_sends_both_editions_to_the_editor_only(client, issue):
    editor = make_editor(email="desk@news.example")
    client.force_login(editor)
    Subscriber.objects.create(email="reader@example.com", status="active")
    page = client.get(change_url(issue)).content.decode()
    assert "Send a proof to me" in page or "寄一份校樣給我" in page
    url = reverse("admin:newsletter_issue_proof", args=[issue.pk])
    response = client.post(url, follow=True)
    assert [m.to for m in mail.outbox] == [["desk@news.example"]] * 2
    assert "desk@news.example" in response.content.decode()
    assert not Delivery.objects.exists()
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.DRAFT


def test_a_proof_needs_an_address_on_the_account(client, issue):
    client.force_login(make_editor(email=""))
    url = reverse("admin:newsletter_issue_proof", args=[issue.pk])
    client.post(url)
    assert mail.outbox == []
    assert client.get(url).status_code == 405  # POST only


def test_add_form_offers_this_hong_kong_week_and_warns_of_an_empty_issue(
    monkeypatch, desk
):
    # Sunday 6 December 2026, 18:00 in Hong Kong: still week 49 there.
    sunday = datetime(2026, 12, 6, 18, tzinfo=ZoneInfo("Asia/Hong_Kong"))
    monkeypatch.setattr(timezone, "now", lambda: sunday)
    url = reverse("admin:newsletter_issue_add")
    assert desk.get(url).context["adminform"].form.initial["week"] == "2026-W49"
    response = desk.post(url, new_issue_data("2026-W49"), follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert any("2026-W49" in m for m in said), said
