"""Status changes: who may make them, by every path, and what is recorded."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, Transition
from articles.roles import EDITORS, WRITERS, permission_codenames
from tests.factories import make_article, make_author, make_editor, make_writer

pytestmark = pytest.mark.django_db
Status = Article.Status


def admin_post_data(article, **overrides):
    """What the admin change form posts for ``article`` unchanged."""
    data = {
        "kind": article.kind,
        "headline": article.headline,
        "title_en": article.title_en,
        "slug": article.slug,
        "dek": article.dek,
        "key_points": "\n".join(article.key_points),
        "body": article.body,
        "tags": ", ".join(article.tags.names()),
        "companies": [str(pk) for pk in article.companies.values_list("pk", flat=True)],
        "script": article.script,
        "source": article.source,
        "source_url": article.source_url,
        "hero_alt": "",
        "hero_caption": "",
        "hero_credit": "",
        "base_version": str(article.version),
        "workflow_note": "",
        "workflow_at": "",
    }
    for prefix, count in (("bylines", article.bylines.count()), ("corrections", 0)):
        data |= {
            f"{prefix}-TOTAL_FORMS": str(count),
            f"{prefix}-INITIAL_FORMS": str(count),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    for i, byline in enumerate(article.bylines.all()):
        data |= {
            f"bylines-{i}-id": str(byline.pk),
            f"bylines-{i}-article": str(article.pk),
            f"bylines-{i}-author": str(byline.author_id),
            f"bylines-{i}-position": str(byline.position),
        }
    data.update(overrides)
    return data


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


# --- roles -------------------------------------------------------------------


def test_roles_exist_with_their_permissions():
    for role in (WRITERS, EDITORS):
        group = Group.objects.get(name=role)
        held = {(p.content_type.app_label, p.codename) for p in group.permissions.all()}
        assert held == permission_codenames(role)
    assert ("articles", "publish_article") not in permission_codenames(WRITERS)


# --- the table ---------------------------------------------------------------


def test_full_life_of_an_article_is_logged():
    writer, editor = make_writer(), make_editor()
    article = make_article(created_by=writer)
    workflow.submit(article, by=writer)
    workflow.send_back(article, by=editor, note="請補上數字來源")
    workflow.submit(article, by=writer)
    workflow.publish(article, by=editor)
    workflow.unpublish(article, by=editor, note="法律意見")
    workflow.return_to_draft(article, by=editor)

    article.refresh_from_db()
    assert article.status == Status.DRAFT
    log = list(article.transitions.order_by("at", "pk"))
    assert [(t.from_status, t.to_status) for t in log] == [
        ("draft", "review"),
        ("review", "draft"),
        ("draft", "review"),
        ("review", "published"),
        ("published", "unpublished"),
        ("unpublished", "draft"),
    ]
    assert [t.by for t in log] == [writer, editor, writer, editor, editor, editor]
    assert log[1].note == "請補上數字來源"
    assert log[3].publish_at is not None


def test_sending_back_needs_a_note():
    editor = make_editor()
    article = make_article(status=Status.REVIEW)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.send_back(article, by=editor, note="  ")
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    assert not Transition.objects.exists()


def test_transition_from_wrong_state_is_refused():
    editor = make_editor()
    article = make_article()
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.unpublish(article, by=editor)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.send_back(article, by=editor, note="x")


def test_first_published_at_is_kept_when_republished():
    editor = make_editor()
    article = make_article()
    workflow.publish(article, by=editor)
    first = article.first_published_at
    workflow.unpublish(article, by=editor)
    workflow.return_to_draft(article, by=editor)
    workflow.publish(article, by=editor)
    article.refresh_from_db()
    assert article.first_published_at == first
    assert article.publish_at > first


def test_publishing_with_a_stale_object_uses_the_current_row():
    editor = make_editor()
    article = make_article()
    stale_copy = Article.objects.get(pk=article.pk)
    workflow.submit(article, by=editor)
    workflow.publish(stale_copy, by=editor)  # copy still says "draft"
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert article.transitions.count() == 2


# --- writers cannot publish, schedule or unpublish, by any path ------------------


@pytest.mark.parametrize(
    "name", ["publish", "unpublish", "send_back", "return_to_draft"]
)
def test_writer_cannot_make_editor_transitions_through_workflow(name):
    writer = make_writer()
    states = {
        "publish": Status.REVIEW,
        "unpublish": Status.PUBLISHED,
        "send_back": Status.REVIEW,
        "return_to_draft": Status.UNPUBLISHED,
    }
    article = make_article(status=states[name], created_by=writer)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.apply(name, article, by=writer, note="x")
    article.refresh_from_db()
    assert article.status == states[name]
    assert not Transition.objects.exists()


def test_writer_cannot_schedule_through_workflow():
    writer = make_writer()
    article = make_article(created_by=writer)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.publish(article, by=writer, at=timezone.now() + timedelta(hours=2))
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_writer_cannot_publish_by_change_form(client):
    writer = make_writer()
    article = make_article(created_by=writer)
    client.force_login(writer)
    response = client.post(
        change_url(article),
        admin_post_data(article, headline="新標題", workflow_action="publish"),
    )
    assert response.status_code == 200  # the form comes back with the refusal
    assert (
        "permission" in response.content.decode() or "權限" in response.content.decode()
    )
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert article.headline != "新標題"  # nothing half-done either
    assert not Transition.objects.exists()


def test_writer_cannot_schedule_by_change_form(client):
    writer = make_writer()
    article = make_article(created_by=writer)
    client.force_login(writer)
    later = (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        change_url(article),
        admin_post_data(article, workflow_action="publish", workflow_at=later),
    )
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert article.publish_at is None


def test_writer_cannot_set_status_by_crafted_post(client):
    writer = make_writer()
    article = make_article(created_by=writer)
    client.force_login(writer)
    response = client.post(
        change_url(article),
        admin_post_data(
            article,
            headline="改過的標題",
            status="published",
            publish_at="2020-01-01 00:00",
        ),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "改過的標題"  # the edit is saved ...
    assert article.status == Status.DRAFT  # ... the status is not
    assert article.publish_at is None


def test_writer_cannot_unpublish_by_change_form_of_published_article(client):
    writer = make_writer()
    article = make_article(status=Status.PUBLISHED, created_by=writer)
    client.force_login(writer)
    client.post(
        change_url(article), admin_post_data(article, workflow_action="unpublish")
    )
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("publish_selected", Status.REVIEW),
        ("unpublish_selected", Status.PUBLISHED),
        ("return_to_draft_selected", Status.UNPUBLISHED),
    ],
)
def test_writer_cannot_publish_by_bulk_action(client, action, status):
    writer = make_writer()
    article = make_article(status=status, created_by=writer)
    client.force_login(writer)
    changelist = reverse("admin:articles_article_changelist")
    # The action is not even offered ...
    assert action not in client.get(changelist).content.decode()
    # ... and a crafted POST of it changes nothing.
    client.post(changelist, {"action": action, "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == status
    assert not Transition.objects.exists()


def test_writer_cannot_edit_someone_elses_draft(client):
    writer, other = make_writer(), make_writer()
    article = make_article(created_by=other)
    client.force_login(writer)
    response = client.post(
        change_url(article), admin_post_data(article, headline="搶改")
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline != "搶改"


def test_writer_cannot_edit_own_article_once_in_review(client):
    writer = make_writer()
    article = make_article(status=Status.REVIEW, created_by=writer)
    client.force_login(writer)
    response = client.post(
        change_url(article), admin_post_data(article, headline="偷改")
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline != "偷改"


def test_writer_on_byline_may_edit_and_submit_draft(client):
    writer = make_writer()
    author = make_author(user=writer)
    article = make_article(authors=[author])
    client.force_login(writer)
    response = client.post(
        change_url(article),
        admin_post_data(article, headline="我的稿", workflow_action="submit"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.status) == ("我的稿", Status.REVIEW)
    assert article.transitions.get().by == writer


def test_writer_submits_by_bulk_action(client):
    writer = make_writer()
    mine, theirs = make_article(created_by=writer), make_article()
    client.force_login(writer)
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "submit_selected", "_selected_action": [mine.pk, theirs.pk]},
    )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == Status.REVIEW
    assert theirs.status == Status.DRAFT  # not theirs to submit


# --- editors can ----------------------------------------------------------------


def test_editor_publishes_by_change_form_and_edit_is_kept(client):
    editor = make_editor()
    article = make_article(status=Status.REVIEW)
    client.force_login(editor)
    response = client.post(
        change_url(article),
        admin_post_data(article, headline="編輯改標題", workflow_action="publish"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "編輯改標題"
    assert article.is_live
    assert article.transitions.get().to_status == Status.PUBLISHED


def test_editor_schedules_by_change_form_in_hong_kong_time(client):
    editor = make_editor()
    article = make_article(status=Status.REVIEW)
    client.force_login(editor)
    when = timezone.localtime() + timedelta(days=1)
    client.post(
        change_url(article),
        admin_post_data(
            article,
            workflow_action="publish",
            workflow_at=when.strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    article.refresh_from_db()
    assert article.is_scheduled
    assert timezone.localtime(article.publish_at).strftime("%H:%M") == when.strftime(
        "%H:%M"
    )
    assert str(timezone.localtime(article.publish_at).tzinfo) == "Asia/Hong_Kong"


def test_scheduling_in_the_past_is_flagged(client):
    editor = make_editor()
    article = make_article(status=Status.REVIEW)
    client.force_login(editor)
    past = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        change_url(article),
        admin_post_data(article, workflow_action="publish", workflow_at=past),
    )
    assert response.status_code == 200
    assert "workflow_at" in response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_editor_sends_back_with_note_by_change_form(client):
    editor = make_editor()
    article = make_article(status=Status.REVIEW)
    client.force_login(editor)
    response = client.post(
        change_url(article), admin_post_data(article, workflow_action="send_back")
    )
    assert response.status_code == 200  # note missing
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    client.post(
        change_url(article),
        admin_post_data(
            article, workflow_action="send_back", workflow_note="第二段要核實"
        ),
    )
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert article.transitions.get().note == "第二段要核實"


def test_editor_bulk_publishes_and_unpublishes(client):
    editor = make_editor()
    a, b = make_article(status=Status.REVIEW), make_article(status=Status.REVIEW)
    client.force_login(editor)
    changelist = reverse("admin:articles_article_changelist")
    client.post(
        changelist, {"action": "publish_selected", "_selected_action": [a.pk, b.pk]}
    )
    assert set(Article.objects.live().values_list("pk", flat=True)) == {a.pk, b.pk}
    client.post(
        changelist, {"action": "unpublish_selected", "_selected_action": [a.pk]}
    )
    assert list(Article.objects.live()) == [b]
    assert Transition.objects.count() == 3


def test_bulk_action_reports_articles_it_could_not_change(client):
    editor = make_editor()
    draft = make_article()
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish_selected", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert draft.headline in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_transitions_are_shown_on_the_admin_page(client):
    editor = make_editor(username="chief")
    article = make_article()
    workflow.submit(article, by=editor)
    workflow.send_back(article, by=editor, note="補充背景")
    client.force_login(editor)
    html = client.get(change_url(article)).content.decode()
    assert "補充背景" in html
    assert "chief" in html
