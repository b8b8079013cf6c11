"""The edit service (articles/editing.py): one transaction for an edit and what
goes with it; what follows the commit; ``Article.save()`` writes its row only."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import changes, editing, revisions, search, workflow
from articles.models import Article, ImportRecord, Revision, SearchDocument
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


# --- create_drafts: new drafts in bulk (the importer) ----------------------------


def _tag(name):
    from taggit.models import Tag

    tag = Tag.objects.create(name=name)
    return tag.pk, tag.name


def test_create_drafts_writes_the_drafts_and_what_goes_with_them(editor):
    company = make_company("0700.HK", name="騰訊控股")
    first, second = make_author(name="甲"), make_author(name="乙")
    hk, results = _tag("港股"), _tag("業績")
    article = Article(headline="騰訊業績", body="<p>回購<script>x</script></p>")
    record = ImportRecord(article=article, source_name="a.txt", fingerprint="f1")
    [saved] = editing.create_drafts(
        [
            editing.NewDraft(
                article,
                authors=[second, first, second],
                tags=[results, hk, results],
                companies=[company, company],
                rows=[record],
            )
        ],
        by=editor,
        note="從檔案匯入",
    )
    saved = Article.objects.get(pk=saved.pk)
    assert saved.status == Article.Status.DRAFT and saved.publish_at is None
    assert saved.created_by == editor and saved.updated_by == editor
    assert saved.body == "<p>回購</p>" and saved.body_text == "回購"
    assert saved.byline_authors == [second, first]
    assert list(saved.tags.names()) == ["業績", "港股"]
    assert list(saved.companies.all()) == [company]
    assert ImportRecord.objects.get().article == saved
    revision = saved.revisions.get()
    assert (revision.note, revision.created_by) == ("從檔案匯入", editor)
    assert revision.data == revisions.snapshot(saved)
    # The index is written in the transaction, no on-commit callback needed.
    found = search.search("乙 0700.HK 港股", Article.objects.all())
    assert [a.pk for a in found[:5]] == [saved.pk]


def test_create_drafts_inserts_each_table_once_whatever_the_number(editor):
    author = make_author()
    tag = _tag("港股")

    def batch(count):
        drafts = [
            editing.NewDraft(
                Article(headline=f"第{n}篇", body="<p>內文</p>"),
                authors=[author],
                tags=[tag],
            )
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as queries:
            editing.create_drafts(drafts, by=editor)
        return len(queries)

    # 30: SQLite takes at most 999 values a statement, so Django splits an
    # INSERT of more than 39 articles (25 columns each) in two.
    assert batch(2) == batch(30)


def test_create_drafts_refuses_anything_but_new_drafts(editor):
    existing = make_article()
    for article in (
        existing,
        Article(headline="已發布", status=Article.Status.PUBLISHED),
        Article(headline="有圖", hero_image="articles/x.jpg"),
    ):
        with pytest.raises(ValueError):
            editing.create_drafts(
                [editing.NewDraft(Article(headline="好的")), editing.NewDraft(article)],
                by=editor,
            )
    assert list(Article.objects.all()) == [existing]


def test_new_drafts_do_not_tell_the_page_cache(editor, monkeypatch):
    told = []
    monkeypatch.setattr(changes.pagecache, "changed", lambda: told.append(True))
    editing.create_drafts([editing.NewDraft(Article(headline="稿"))], by=editor)
    assert told == []


def test_new_drafts_are_reindexed_at_the_commit_if_the_index_fails(
    editor, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(documents):
        raise RuntimeError("index down")

    monkeypatch.setattr(changes, "write_documents", broken)
    with django_capture_on_commit_callbacks(execute=True):
        [saved] = editing.create_drafts(
            [editing.NewDraft(Article(headline="光伏新稿"))], by=editor
        )
        assert not SearchDocument.objects.filter(article=saved).exists()
    assert SearchDocument.objects.filter(article=saved).exists()


def test_the_reading_time_is_stored_and_follows_every_edit():
    """Counted on save from the headline, dek, key points and body (the
    article page reads the column), also when only some fields are saved."""
    article = make_article(body="<p>" + "中" * 900 + "</p>")
    assert Article.objects.get(pk=article.pk).reading_minutes == 3  # 900 + headline
    article.body = "<p>" + "中" * 2000 + "</p>"
    article.save(update_fields=["body"])
    assert Article.objects.get(pk=article.pk).reading_minutes == 5
    article.key_points = ["字" * 450] * 2
    article.save(update_fields=["key_points"])
    assert Article.objects.get(pk=article.pk).reading_minutes == 7
