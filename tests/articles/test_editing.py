"""The edit service (articles/editing.py): one transaction for an edit and what
goes with it; what follows the commit; ``Article.save()`` writes its row only."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from articles import changes, editing, workflow
from articles.models import Article, Revision, SearchDocument
from tests.factories import make_article, make_author, make_company, make_editor

pytestmark = pytest.mark.django_db


def test_an_edit_saves_links_tickers_and_keeps_a_revision_in_one_go(editor):
    company = make_company("0700.HK", name="騰訊控股")
    article = make_article(headline="舊", body="<p>騰訊（0700.HK）回購。</p>")
    article.headline = "新"
    edit = editing.save_article(article, by=editor)
    article.refresh_from_db()
    assert article.headline == "新" and article.updated_by == editor
    assert list(article.companies.all()) == [company]
    assert edit.linked.added == [company]
    assert edit.revision == Revision.objects.filter(article=article).latest("pk")
    assert edit.sent_back is None and edit.transition is None


def test_a_new_article_gets_its_writers_byline(editor):
    author = make_author(user=editor)
    article = Article(headline="新稿", body="<p>內文</p>")
    editing.save_article(article, by=editor)
    assert article.created_by == editor
    assert article.byline_authors == [author]


def test_a_failure_in_the_related_rows_saves_nothing(editor):
    article = make_article(headline="原來的")
    version = article.version

    def related():
        raise RuntimeError("a formset failed")

    article.headline = "半途而廢"
    with pytest.raises(RuntimeError):
        editing.save_article(article, by=editor, related=related)
    fresh = Article.objects.get(pk=article.pk)
    assert fresh.headline == "原來的" and fresh.version == version


def test_an_edit_can_publish_through_the_workflow(editor):
    article = make_article(status=Article.Status.REVIEW)
    edit = editing.save_article(article, by=editor, action="publish")
    assert edit.transition.action == "publish"
    assert Article.objects.live().filter(pk=article.pk).exists()


def test_a_writer_may_not_edit_a_scheduled_article(writer):
    article = make_article(created_by=writer)
    workflow.publish(article, by=make_editor(), at=timezone.now() + timedelta(hours=1))
    article.refresh_from_db()
    article.headline = "寫手改了"
    with pytest.raises(workflow.TransitionNotAllowed):
        editing.save_article(article, by=writer)


def test_article_save_writes_its_row_and_nothing_else(
    editor, django_capture_on_commit_callbacks
):
    article = make_article(headline="只寫一行", body="<p>光伏</p>")
    SearchDocument.objects.filter(article=article).delete()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        article.headline = "改了"
        article.save()
    assert callbacks == []
    assert not SearchDocument.objects.filter(article=article).exists()
    with django_capture_on_commit_callbacks(execute=True):
        editing.save_article(article, by=editor)
    assert SearchDocument.objects.filter(article=article).exists()


def test_restoring_a_revision_is_an_edit(editor):
    article = make_article(headline="第一版")
    editing.save_article(article, by=editor)
    first = Revision.objects.filter(article=article).latest("pk")
    article.headline = "第二版"
    editing.save_article(article, by=editor)
    edit = editing.restore_revision(article, first, by=editor)
    article.refresh_from_db()
    assert article.headline == "第一版"
    assert str(first.version) in edit.revision.note


def test_drafts_do_not_tell_the_page_cache(editor, monkeypatch):
    told = []
    monkeypatch.setattr(changes.pagecache, "changed", lambda: told.append(True))
    draft = make_article()
    told.clear()
    editing.save_article(draft, by=editor)
    assert told == []
    live = make_article(status=Article.Status.PUBLISHED)
    told.clear()
    with transaction.atomic():
        editing.save_article(live, by=editor)
    assert told == [True]
