"""Drafts from copy: bylines, tags, companies, records, duplicates, dry runs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import search
from articles.importing.report import FileReport
from articles.importing.storing import ImportOptions, import_text
from articles.models import Article, Author, ImportRecord, Revision, SearchDocument
from articles.revisions import snapshot
from articles.sanitize import html_to_text, sanitize_html
from tests.factories import make_author, make_company

from . import samples

pytestmark = pytest.mark.django_db


def run(text, name="copy.txt", **options):
    return import_text(text, FileReport(name), ImportOptions(**options))


def test_each_article_becomes_a_draft_remembering_its_file_and_raw_text(editor):
    report = run(samples.CMS_EXPORT, name="export.txt", user=editor)
    assert len(report.created) == 3
    articles = Article.objects.order_by("pk")
    assert {a.status for a in articles} == {Article.Status.DRAFT}
    assert [a.kind for a in articles] == ["feature", "feature", "brief"]
    first = articles[0]
    assert first.title_en == "Leapmotor widens its overseas push"
    assert first.slug == "leapmotor-widens-its-overseas-push"
    assert len(first.key_points) == 2
    assert "<h2>歐洲市場的挑戰</h2>" in first.body
    assert first.created_by == editor
    record = first.import_record
    assert record.source_name == "export.txt"
    assert record.raw_text.startswith("9863.HK")
    assert record.imported_by == editor
    assert {"text": "欲訂閱本站每周免費通訊,請點擊這裏", "reason": "cta"} in (
        record.dropped_lines
    )
    assert first.revisions.count() == 1


def test_bylines_reuse_authors_by_name_and_create_new_ones():
    existing = make_author(name="林子軒", slug="lam-tsz-hin")
    run(samples.CMS_EXPORT)
    first, second, brief = Article.objects.order_by("pk")
    assert first.byline_authors == [existing]
    assert [a.name for a in second.byline_authors] == ["黃志明"]
    created = Author.objects.get(name="陳嘉欣")
    assert created.slug.startswith("author-") and created.slug.isascii()
    assert brief.byline_authors == [created]


def test_hashtags_are_tags():
    run(samples.CMS_EXPORT)
    first = Article.objects.order_by("pk").first()
    assert sorted(first.tags.names()) == sorted(["電動車", "出海"])


def test_tickers_link_companies_and_unknown_ones_are_recorded():
    leapmotor = make_company("9863.HK")
    vanke = make_company("2202.HK", "000002.SZ")
    report = run(samples.CMS_EXPORT)
    first, second, brief = Article.objects.order_by("pk")
    assert list(first.companies.all()) == [leapmotor]
    assert list(second.companies.all()) == [vanke]
    assert brief.import_record.unknown_tickers == ["1276.HK", "600276.SH"]
    assert report.articles[2].unknown_tickers == ["1276.HK", "600276.SH"]


def test_ticker_lines_above_the_headline_link_their_company():
    company = make_company("2513.HK")
    run("2513.HK\n標題在這裏\n內文第一段,說明事情的經過。\n")
    assert list(Article.objects.get().companies.all()) == [company]


def test_source_script_and_dateline_copy():
    run(samples.PRESS_RELEASE)
    article = Article.objects.get()
    assert article.source == "PRNewswire, via Example Wire"
    assert article.script == "en"
    assert "<table>" in article.body


def test_reimporting_the_same_copy_creates_nothing():
    run(samples.CMS_EXPORT)
    again = run(samples.CMS_EXPORT)
    assert again.duplicates == 3 and again.created == []
    assert Article.objects.count() == 3


def test_reimport_with_other_whitespace_and_punctuation_width_is_a_duplicate():
    run(samples.CMS_EXPORT)
    variant = (
        samples.CMS_EXPORT.replace(",", "，").replace(":", "：").replace("\n\n", "\n")
    )
    again = run(variant.replace("(", "（").replace(")", "）"))
    assert again.duplicates == 3
    assert Article.objects.count() == 3


def test_same_article_twice_in_one_file_is_created_once():
    report = run(samples.WIRE_FEED + "\n" + samples.WIRE_FEED)
    assert len(report.created) == 2 and report.duplicates == 2


def test_dry_run_writes_nothing():
    report = run(samples.CMS_EXPORT, dry_run=True)
    assert len(report.new) == 3 and report.created == []
    assert Article.objects.count() == 0
    assert Author.objects.count() == 0
    assert ImportRecord.objects.count() == 0


def test_options_fill_what_the_copy_does_not_say():
    run(samples.WIRE_FEED, kind="feature", author="示例記者", source="示例社")
    first, second = Article.objects.order_by("pk")
    assert first.kind == "feature"
    assert [a.name for a in first.byline_authors] == ["示例記者"]
    assert first.source == "示例通訊社"  # the copy says
    assert second.source == "Example Wire"
    run("簡訊:標題\n內文第一段,說明事情的經過。", kind="feature", source="示例社")
    brief = Article.objects.order_by("pk").last()
    assert brief.kind == "brief" and brief.source == "示例社"


def test_a_failing_article_does_not_stop_the_others(monkeypatch):
    from articles import revisions

    real = revisions.record_revision

    def fail_on_second(article, **kwargs):
        if article.headline.startswith("央行"):
            from django.db import DatabaseError

            raise DatabaseError("disk full")
        return real(article, **kwargs)

    monkeypatch.setattr(revisions, "record_revision", fail_on_second)
    report = run(samples.WIRE_FEED)
    assert [r.error for r in report.articles] == ["", "Could not be saved: disk full"]
    assert report.failed
    # The failed article's transaction left nothing behind.
    assert list(Article.objects.values_list("headline", flat=True)) == [
        "騰訊第三季盈利勝預期"
    ]
    assert ImportRecord.objects.count() == 1


def feed(first, count):
    return "\n".join(
        f"第{n}號標題\n第{n}篇的內文,騰訊控股(0700.HK)公布業績。(來源:示例社)"
        for n in range(first, first + count)
    )


def test_a_batch_costs_the_same_queries_however_many_articles_it_holds():
    make_company("0700.HK")
    with CaptureQueriesContext(connection) as small:
        run(feed(0, 5), author="示例記者")
    with CaptureQueriesContext(connection) as large:
        run(feed(100, 60), author="另一記者")
    assert Article.objects.count() == 65
    # Each table's rows go in with one INSERT; SQLite's limit of 999
    # parameters splits the articles' INSERT in two.
    assert len(large) <= len(small) + 2


def test_imported_articles_are_in_the_search_index_when_the_import_returns():
    report = run(samples.WIRE_FEED)
    assert SearchDocument.objects.count() == 2
    # No on-commit callback has run: the import wrote the index itself.
    results = search.search("盈利", Article.objects.all())
    assert [article.pk for article in results[:10]] == [report.created[0].article_id]


def test_bulk_written_articles_hold_what_save_and_a_revision_read_back_would():
    make_company("9863.HK")
    make_author(name="林子軒", slug="lam-tsz-hin")
    run(samples.CMS_EXPORT)
    for article in Article.objects.all():
        assert article.body == sanitize_html(article.body)
        assert article.body_text == html_to_text(article.body)
        assert article.version == 1 and article.created_at and article.updated_at
        assert article.revisions.get().data == snapshot(article)


def test_a_copy_imported_meanwhile_elsewhere_costs_only_that_article(monkeypatch):
    from articles.importing import storing

    run(samples.WIRE_FEED)
    # As if another import wrote these between the check and the insert: the
    # batch's bulk insert fails on the fingerprint and is done again one by one.
    monkeypatch.setattr(storing, "_existing_fingerprints", lambda prints: set())
    new = "新標題\n新的內文,說明事情的經過。"
    report = run(samples.WIRE_FEED + new, author="新記者")
    assert [r.duplicate for r in report.articles] == [True, True, False]
    assert report.articles[2].article_id and not report.failed
    assert Article.objects.count() == ImportRecord.objects.count() == 3
    assert Revision.objects.count() == 3
    # The author made by the failed bulk attempt was rolled back with it.
    author = Author.objects.get(name="新記者")
    assert Article.objects.get(headline="新標題").byline_authors == [author]


def test_imported_articles_are_written_by_the_edit_service(editor, monkeypatch):
    from django.utils.translation import gettext

    from articles import editing

    calls = []
    real = editing.create_drafts

    def spy(drafts, **kwargs):
        articles = real(drafts, **kwargs)
        calls.append((kwargs, [article.pk for article in articles]))
        return articles

    monkeypatch.setattr(editing, "create_drafts", spy)
    report = run(samples.CMS_EXPORT, name="export.txt", user=editor)
    note = gettext("Imported from %(file)s") % {"file": "export.txt"}
    assert [kwargs for kwargs, _pks in calls] == [{"by": editor, "note": note}]
    written = [pk for _kwargs, pks in calls for pk in pks]
    assert written == [result.article_id for result in report.created]
    assert sorted(written) == sorted(Article.objects.values_list("pk", flat=True))
    for revision in Revision.objects.all():
        assert (revision.note, revision.created_by) == (note, editor)
