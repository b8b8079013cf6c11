"""``manage.py generate_fake_content`` and the generator behind it (articles/fake)."""

import io
import random
import re

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import translation
from taggit.models import Tag

from articles import search
from articles.company_links import link_companies_from_tickers
from articles.fake import loading, text
from articles.models import Article, ArticleAuthor, Author, SearchDocument
from articles.sanitize import html_to_text, sanitize_html
from companies.models import Company, Ticker
from companies.tickers import find_tickers

pytestmark = pytest.mark.django_db

COUNTS = {"articles": 80, "companies": 30, "tags": 40, "authors": 6}


def generate(**options):
    """Run the command (in English: the tests read the English messages)."""
    out = io.StringIO()
    with translation.override("en"):
        call_command(
            "generate_fake_content",
            **{**COUNTS, "seed": 11, "workers": 1, **options},
            stdout=out,
        )
    return out.getvalue()


@pytest.fixture
def generated():
    return generate()


def test_counts_and_the_final_report(generated):
    assert Article.objects.count() == 80
    assert Company.objects.count() == 30
    assert Author.objects.count() == 6
    assert Tag.objects.count() == 40
    assert "Writing articles: 80 articles in" in generated
    assert re.search(r"Wrote 80 articles \(.*\) in [\d.]+ s\.", generated)
    assert "Seed 11" in generated


def test_mostly_live_with_scheduled_drafts_and_reviews(generated):
    live = Article.objects.live().count()
    assert live > 0.7 * 80
    assert Article.objects.scheduled().exists()
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()
    assert not Article.objects.filter(
        status=Article.Status.PUBLISHED, first_published_at__isnull=True
    ).exists()
    assert not Article.objects.filter(
        status=Article.Status.DRAFT, publish_at__isnull=False
    ).exists()
    kinds = set(Article.objects.values_list("kind", flat=True))
    assert kinds == {Article.Kind.BRIEF, Article.Kind.FEATURE}


def test_bodies_are_chinese_paragraphs_with_subheads_of_realistic_length(generated):
    for article in Article.objects.all():
        assert 1500 <= text.han_count(article.body_text) <= 6000, article.pk
        assert article.body.startswith("<p>") and "<h2>" in article.body
        assert article.headline and article.dek
    bodies = " ".join(Article.objects.values_list("body_text", flat=True))
    assert "Goldman Sachs" in bodies  # some English
    features = Article.objects.filter(kind=Article.Kind.FEATURE)
    assert all(len(article.key_points) >= 3 for article in features)


def test_rows_have_the_columns_save_derives(generated):
    for article in Article.objects.all():
        assert article.body == sanitize_html(article.body)
        assert article.body_text == html_to_text(article.body)
        assert article.version == 1
    with_title = Article.objects.exclude(title_en="")
    assert with_title.exists()
    assert all(article.slug for article in with_title)


def test_bylines_and_tags_come_from_the_generated_sets(generated):
    per_article = Article.objects.annotate(
        bylines_count=Count("bylines", distinct=True),
        tags_count=Count("tagged_items", distinct=True),
    )
    for article in per_article:
        assert 1 <= article.bylines_count <= 3
        assert 1 <= article.tags_count <= 5
    average = sum(a.tags_count for a in per_article) / len(per_article)
    assert 2 <= average <= 4
    assert ArticleAuthor.objects.values("author").distinct().count() > 1


def test_tickers_in_every_format_are_normalised_and_link_their_companies(generated):
    stored = {str(ticker) for ticker in Ticker.objects.all()}
    assert {ticker.split(".")[1] for ticker in stored} >= {"HK", "US", "SH", "SZ"}
    written = set()
    for article in Article.objects.prefetch_related("companies__tickers"):
        mentions = find_tickers(article.body_text)
        written |= {(mention.text, str(mention.ticker)) for mention in mentions}
        found = {str(mention.ticker) for mention in mentions}
        linked = {
            str(ticker)
            for company in article.companies.all()
            for ticker in company.tickers.all()
        }
        assert found <= stored  # every ticker in the copy is a company's
        assert found <= linked  # ... and its company is linked
        for company in article.companies.all():  # linked ones are mentioned
            assert found & {str(t) for t in company.tickers.all()}
        # The app's own linking finds nothing more to do.
        links = link_companies_from_tickers(article)
        assert links.added == [] and links.unknown == []
    # Copy writes tickers the many ways it does; they are stored normalised.
    texts = {text for text, _ticker in written}
    assert any(w.startswith(("港交所", "股份代號", "HKEX")) for w in texts)
    assert any(w.startswith(("NYSE", "NASDAQ", "紐交所")) for w in texts)
    assert any(w.endswith(".SS") for w in texts)
    assert any(text != ticker and "." in text for text, ticker in written)


def test_every_article_is_indexed_and_searchable(generated):
    assert SearchDocument.objects.count() == Article.objects.count()
    live = Article.objects.live()
    article = live.prefetch_related("companies__tickers").first()
    company = article.companies.all()[0]
    for query in (
        company.name,
        str(company.tickers.all()[0]),
        f'"{article.headline}"',
    ):
        results = search.search(query, live)
        assert article in list(results[: results.count()]), query
    assert search.search("光伏", live).count() > 0


def test_refuses_a_database_with_articles_unless_appending(generated):
    with pytest.raises(CommandError, match="already has 80 articles.*--append"):
        generate()
    assert Article.objects.count() == 80
    generate(append=True, seed=12, companies=0, authors=0, tags=0, articles=10)
    assert Article.objects.count() == 90
    assert Company.objects.count() == 30  # the existing ones, mentioned again
    assert SearchDocument.objects.count() == 90


@pytest.mark.parametrize(
    "options, message",
    [
        ({"articles": -1}, "--articles must be 0 or more"),
        ({"tags": text.MAX_TAGS + 1}, "--tags can be at most"),
        ({"companies": 0}, "Articles need companies"),
        ({"authors": 0}, "Articles need authors"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(options, message):
    with pytest.raises(CommandError, match=message):
        generate(**options)
    assert not Article.objects.exists()
    assert not Company.objects.exists() and not Tag.objects.exists()


def test_the_same_seed_makes_the_same_content_with_or_without_workers():
    def content():
        return list(
            Article.objects.order_by("pk").values_list("headline", "body", "status")
        )

    counts = {**COUNTS, "articles": 24}
    loading.populate(**counts, seed=5, workers=2, batch_size=5)
    first = content()
    Article.objects.all().delete()
    Company.objects.all().delete()
    Author.objects.all().delete()
    Tag.objects.all().delete()
    loading.populate(**counts, seed=5, workers=1, batch_size=5)
    assert content() == first
    assert SearchDocument.objects.count() == 24


def test_company_generator_is_the_one_bench_companies_measured():
    # bench/companies.py's figures (README) stay comparable only if the
    # generator makes the same names from the same seed.
    companies = text.company_names(10_000, random.Random(4))
    assert sum(len(names) for _number, names in companies) == 25_081
