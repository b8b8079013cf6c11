"""RSS and Atom feeds: valid, complete, live articles only, a fixed query count."""

import calendar
from datetime import timedelta

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from tests.factories import make_article, make_author, make_company

pytestmark = pytest.mark.django_db

PUBLISHED = Article.Status.PUBLISHED
FEED_KINDS = ["latest", "briefs", "features", "company", "tag", "author"]
FORMATS = ["rss", "atom"]
TAG = "央行"


def feed_url(kind, fmt, content):
    kwargs = {
        "company": {"slug": content["company"].slug},
        "tag": {"slug": content["tag_slug"]},
        "author": {"slug": content["author"].slug},
    }.get(kind, {})
    return reverse(f"feed-{kind}-{fmt}", kwargs=kwargs)


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, (url, parsed.get("bozo_exception"))
    return parsed


def tagged(article, company):
    article.tags.add(TAG)
    article.companies.add(company)
    return article


@pytest.fixture
def content():
    """A live brief and feature, and hidden articles sharing everything with them."""
    author = make_author(name="陳大文")
    company = make_company("6638.HK")
    shared = {"authors": [author]}
    live_brief = make_article(
        status=PUBLISHED, kind="brief", headline="簡訊：公開", **shared
    )
    live_feature = make_article(
        status=PUBLISHED, kind="feature", headline="特寫：公開", **shared
    )
    hidden = [
        make_article(headline="草稿不應出現", **shared),
        make_article(status=Article.Status.REVIEW, headline="審閱中不應出現", **shared),
        make_article(
            status=PUBLISHED,
            publish_at=timezone.now() + timedelta(hours=2),
            headline="排程中不應出現",
            **shared,
        ),
        make_article(
            status=Article.Status.UNPUBLISHED, headline="已撤下不應出現", **shared
        ),
    ]
    for article in [live_brief, live_feature, *hidden]:
        tagged(article, company)
    return {
        "author": author,
        "company": company,
        "tag_slug": live_brief.tags.get().slug,
        "live": {"brief": live_brief, "feature": live_feature},
        "hidden": hidden,
    }


def expected_headlines(kind, content):
    live = content["live"]
    if kind == "briefs":
        return {live["brief"].headline}
    if kind == "features":
        return {live["feature"].headline}
    return {live["brief"].headline, live["feature"].headline}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", FEED_KINDS)
def test_every_feed_is_valid_and_lists_only_live_articles(client, content, kind, fmt):
    parsed = fetch(client, feed_url(kind, fmt, content))

    titles = {entry.title for entry in parsed.entries}
    assert titles == expected_headlines(kind, content)
    for article in content["hidden"]:
        assert article.headline not in titles
    for entry in parsed.entries:
        assert entry.link.startswith("http://testserver/articles/")
        assert entry.id == entry.link
    assert parsed.feed.link.startswith("http://testserver/")


def test_simplified_edition_has_its_own_feeds(client, content):
    parsed = fetch(client, "/zh-hans" + reverse("feed-latest-rss"))

    assert len(parsed.entries) == 2
    for entry in parsed.entries:
        assert entry.link.startswith("http://testserver/zh-hans/articles/")


@pytest.mark.parametrize("fmt", FORMATS)
def test_feed_item_carries_headline_dek_dates_byline_and_tags(client, fmt):
    first, second = make_author(name="陳大文"), make_author(name="李小明")
    published = timezone.now() - timedelta(hours=5)
    article = make_article(
        status=PUBLISHED,
        publish_at=published,
        headline="騰訊季度盈利勝預期",
        dek="遊戲收入回升。",
        title_en="Tencent beats forecasts",
        authors=[first, second],
    )
    article.tags.add("業績", "遊戲")
    Article.objects.filter(pk=article.pk).update(
        updated_at=published + timedelta(minutes=10)
    )
    corrected_at = published + timedelta(hours=2)
    Correction.objects.create(
        article=article, corrected_at=corrected_at, wrong="一", right="二"
    )

    (entry,) = fetch(client, reverse(f"feed-latest-{fmt}")).entries

    assert entry.title == "騰訊季度盈利勝預期"
    assert entry.summary == "遊戲收入回升。"
    assert entry.link == "http://testserver" + article.get_absolute_url()
    assert entry.author == "陳大文、李小明"
    assert {tag.term for tag in entry.tags} == {"業績", "遊戲"}
    assert calendar.timegm(entry.published_parsed) == int(published.timestamp())
    if fmt == "atom":  # RSS 2.0 has no per-item update time
        assert calendar.timegm(entry.updated_parsed) == int(corrected_at.timestamp())


def test_feed_description_falls_back_to_the_first_paragraph(client):
    make_article(
        status=PUBLISHED,
        dek="",
        body="<p>第一段。</p><p>第二段。</p>",
        headline="無導語",
    )

    (entry,) = fetch(client, reverse("feed-latest-rss")).entries

    assert entry.summary == "第一段。"


def test_feed_lists_the_20_latest_newest_first(client):
    now = timezone.now()
    for hours in range(1, 26):
        make_article(
            status=PUBLISHED,
            publish_at=now - timedelta(hours=hours),
            headline=f"第{hours}小時前",
        )

    entries = fetch(client, reverse("feed-latest-atom")).entries

    assert [e.title for e in entries] == [f"第{h}小時前" for h in range(1, 21)]


def test_unicode_tag_feed_is_served_at_its_chinese_address(client, content):
    url = reverse("feed-tag-rss", kwargs={"slug": content["tag_slug"]})
    assert "%E5%A4%AE%E8%A1%8C" in url

    assert len(fetch(client, url).entries) == 2


@pytest.mark.parametrize(
    "name", ["feed-company-rss", "feed-tag-atom", "feed-author-rss"]
)
def test_feed_of_unknown_company_tag_or_author_is_404(client, name):
    assert client.get(reverse(name, kwargs={"slug": "no-such"})).status_code == 404


def test_feeds_may_be_cached_publicly(client):
    response = client.get(reverse("feed-latest-rss"))

    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert "stale-while-revalidate=300" in response["Cache-Control"]


def add_articles(n, author, company):
    for i in range(n):
        article = make_article(
            status=PUBLISHED,
            authors=[author, make_author()],
            kind="brief" if i % 2 else "feature",
        )
        article.tags.add(TAG, f"標籤{article.pk}")
        article.companies.add(company)
        Correction.objects.create(article=article, wrong="舊", right="新")


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("kind", FEED_KINDS)
def test_feed_query_count_does_not_grow_with_items(client, kind):
    author, company = make_author(), make_company("0700.HK")
    add_articles(3, author, company)
    content = {"author": author, "company": company, "tag_slug": TAG}
    url = feed_url(kind, "rss", content)

    few = count_queries(client, url)
    add_articles(12, author, company)
    many = count_queries(client, url)

    assert many == few
    assert many <= 5


def test_pages_advertise_their_feeds(client):
    from tests.factories import make_author, make_company

    company, author = make_company("2202.HK"), make_author()
    article = make_article(status=Article.Status.PUBLISHED, authors=[author])
    article.companies.add(company)
    article.tags.add("地產")
    tag_slug = article.tags.get().slug
    pages = {
        "/": ["/feeds/rss/", "/feeds/atom/"],
        f"/companies/{company.slug}/": [f"/feeds/companies/{company.slug}/rss/"],
        f"/authors/{author.slug}/": [f"/feeds/authors/{author.slug}/atom/"],
        f"/tags/{tag_slug}/": [reverse("feed-tag-rss", kwargs={"slug": tag_slug})],
        "/zh-hans/": ["/zh-hans/feeds/rss/"],
    }
    for url, feeds in pages.items():
        html = client.get(url).content.decode()
        for feed in feeds:
            assert 'type="application/' in html
            assert f'href="{feed}"' in html, (url, feed)
