"""sitemap.xml, the Google News sitemap and robots.txt."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from articles.models import Article, Correction
from tests.factories import make_article, make_author, make_company

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
PUBLISHED = Article.Status.PUBLISHED
BASE = "http://testserver"


def valid_document(response, schema_file):
    """The response parsed, after asserting it is valid against ``schema_file``."""
    assert response.status_code == 200
    schema = etree.XMLSchema(etree.parse(str(FIXTURES / schema_file)))
    document = etree.fromstring(response.content)
    assert schema.validate(document), schema.error_log
    return document


def locations(document):
    return document.xpath("//sm:url/sm:loc/text()", namespaces=NS)


def section_files(client):
    """The files sitemap.xml (an index) lists, as paths."""
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    index = etree.fromstring(response.content)
    assert index.tag == f"{{{NS['sm']}}}sitemapindex"
    return [
        loc.removeprefix(BASE)
        for loc in index.xpath("//sm:sitemap/sm:loc/text()", namespaces=NS)
    ]


def sitemap_urls(client):
    """Every URL of every section, each file valid against the schema."""
    urls = []
    for path in section_files(client):
        urls += locations(valid_document(client.get(path), "sitemap.xsd"))
    return urls


def article_section(client):
    (path,) = [p for p in section_files(client) if "articles" in p]
    return valid_document(client.get(path), "sitemap.xsd")


def hidden_articles(**shared):
    return [
        make_article(headline="草稿", **shared),
        make_article(status=Article.Status.REVIEW, headline="審閱中", **shared),
        make_article(
            status=PUBLISHED,
            publish_at=timezone.now() + timedelta(hours=1),
            headline="排程",
            **shared,
        ),
        make_article(status=Article.Status.UNPUBLISHED, headline="已撤下", **shared),
    ]


def test_sitemap_is_valid_and_lists_live_articles_and_every_public_list(client):
    author, quiet_author = make_author(), make_author()
    company = make_company("6638.HK")
    live = make_article(status=PUBLISHED, authors=[author], title_en="Live one")
    live.tags.add("央行")
    live.companies.add(company)
    hidden = hidden_articles(authors=[quiet_author])
    hidden[0].tags.add("草稿標籤")

    urls = sitemap_urls(client)

    assert BASE + live.get_absolute_url() in urls
    for article in hidden:
        assert BASE + article.get_absolute_url() not in urls
    for name in ["articles:home", "articles:briefs", "articles:features"]:
        assert BASE + reverse(name) in urls
    assert BASE + company.get_absolute_url() in urls
    assert BASE + author.get_absolute_url() in urls
    assert BASE + quiet_author.get_absolute_url() not in urls
    assert BASE + reverse("articles:tag", kwargs={"slug": "央行"}) in urls
    assert BASE + reverse("articles:tag", kwargs={"slug": "草稿標籤"}) not in urls


def test_sitemap_lastmod_follows_the_latest_correction(client):
    published = timezone.now() - timedelta(days=3)
    article = make_article(status=PUBLISHED, publish_at=published)
    Article.objects.filter(pk=article.pk).update(updated_at=published)
    corrected_at = (published + timedelta(days=1)).replace(microsecond=0)
    Correction.objects.create(
        article=article, corrected_at=corrected_at, wrong="一", right="二"
    )

    document = article_section(client)

    (lastmod,) = document.xpath(
        "//sm:url[sm:loc=$loc]/sm:lastmod/text()",
        namespaces=NS,
        loc=BASE + article.get_absolute_url(),
    )
    assert datetime.fromisoformat(lastmod) == corrected_at
    assert lastmod.endswith("+08:00")


def test_sitemap_query_count_does_not_grow_with_articles(client):
    def add(n):
        for _ in range(n):
            article = make_article(status=PUBLISHED, authors=[make_author()])
            article.tags.add(f"標籤{article.pk}")
            article.companies.add(make_company())

    def count():
        with CaptureQueriesContext(connection) as queries:
            sitemap_urls(client)
        return len(queries)

    add(3)
    few = count()
    add(12)
    assert count() == few


def test_sitemap_is_an_index_of_sections_of_bounded_size(client, monkeypatch):
    from articles.public import sitemaps

    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    for _ in range(5):
        make_article(status=PUBLISHED)
    files = section_files(client)
    article_files = [path for path in files if "articles" in path]
    assert len(article_files) == 3  # 2 + 2 + 1
    urls = [
        u
        for path in article_files
        for u in locations(valid_document(client.get(path), "sitemap.xsd"))
    ]
    assert len(urls) == len(set(urls)) == 5
    assert client.get("/sitemap-nonsense.xml").status_code == 404


def test_news_sitemap_lists_live_articles_of_the_last_48_hours(client):
    now = timezone.now()
    recent = make_article(
        status=PUBLISHED, publish_at=now - timedelta(hours=47), headline="新鮮消息"
    )
    old = make_article(status=PUBLISHED, publish_at=now - timedelta(hours=49))
    hidden = hidden_articles()

    document = valid_document(
        client.get(reverse("news-sitemap")), "sitemap-with-news.xsd"
    )

    urls = locations(document)
    assert urls == [BASE + recent.get_absolute_url()]
    assert BASE + old.get_absolute_url() not in urls
    for article in hidden:
        assert BASE + article.get_absolute_url() not in urls
    (news,) = document.xpath("//news:news", namespaces=NS)

    def text(path):
        return news.xpath(path + "/text()", namespaces=NS)[0]

    assert text("news:publication/news:name") == "新聞室財經"
    assert text("news:publication/news:language") == "zh-tw"
    assert text("news:title") == "新鮮消息"
    published = datetime.fromisoformat(text("news:publication_date"))
    assert published == recent.publish_at.replace(microsecond=0)


def test_news_sitemap_gives_google_the_language_of_simplified_copy(client):
    make_article(status=PUBLISHED, script=Article.Script.HANS)

    document = valid_document(
        client.get(reverse("news-sitemap")), "sitemap-with-news.xsd"
    )

    languages = document.xpath("//news:language/text()", namespaces=NS)
    assert languages == ["zh-cn"]


def test_news_sitemap_uses_the_configured_publication_name(client, settings):
    settings.NEWSROOM_NAME = "測試財經"
    make_article(status=PUBLISHED)

    document = valid_document(
        client.get(reverse("news-sitemap")), "sitemap-with-news.xsd"
    )

    assert document.xpath("//news:name/text()", namespaces=NS) == ["測試財經"]


def test_robots_txt_allows_all_but_admin_and_previews_and_names_both_sitemaps(
    client,
):
    response = client.get(reverse("robots"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    assert "Disallow: /admin/" in lines
    assert "Disallow: /preview/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/news-sitemap.xml" in lines


def test_discovery_files_are_served_at_the_root_only(client):
    assert client.get("/sitemap.xml").status_code == 200
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/zh-hans/sitemap.xml").status_code == 404


@pytest.mark.parametrize(
    ("schema_file", "url_body"),
    [
        ("sitemap.xsd", "<loc>http://testserver/a/</loc><lastmod>yesterday</lastmod>"),
        ("sitemap.xsd", "<loc>http://testserver/a/</loc><news:news/>"),
        (
            "sitemap-with-news.xsd",
            "<loc>http://testserver/a/</loc><news:news><news:publication>"
            "<news:name>N</news:name><news:language>zh-hant</news:language>"
            "</news:publication><news:publication_date>2026-11-21T10:00:00+08:00"
            "</news:publication_date><news:title>T</news:title></news:news>",
        ),
    ],
)
def test_schema_fixtures_reject_invalid_sitemaps(schema_file, url_body):
    """The hand-written schemas are not vacuous: they refuse what Google would."""
    schema = etree.XMLSchema(etree.parse(str(FIXTURES / schema_file)))
    document = etree.fromstring(
        f'<urlset xmlns="{NS["sm"]}" xmlns:news="{NS["news"]}">'
        f"<url>{url_body}</url></urlset>"
    )

    assert not schema.validate(document)
