"""The public article pages: what they show, where they link, how many queries."""

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from articles.public import views
from articles.public.templatetags.newsroom_public import hk_date, hk_datetime
from companies.matching import get_matcher
from tests.factories import (
    make_article,
    make_author,
    make_company,
    make_live_article,
    page_html,
)

pytestmark = pytest.mark.django_db
Status = Article.Status
Kind = Article.Kind
HK = ZoneInfo("Asia/Hong_Kong")


def every_public_url(article, author, company, tag_slug):
    at = timezone.localtime(article.publish_at or timezone.now(), HK)
    return [
        reverse("articles:home"),
        reverse("articles:list"),
        reverse("articles:briefs"),
        reverse("articles:features"),
        reverse("articles:author", kwargs={"slug": author.slug}),
        reverse("articles:tag", kwargs={"slug": tag_slug}),
        reverse("articles:archive"),
        reverse("articles:archive_month", kwargs={"year": at.year, "month": at.month}),
        reverse("articles:corrections"),
        reverse("companies:index"),
        reverse("companies:detail", kwargs={"slug": company.slug}),
    ]


@pytest.mark.parametrize(
    "status, publish_at",
    [
        (Status.DRAFT, None),
        (Status.REVIEW, None),
        (Status.UNPUBLISHED, timezone.now() - timedelta(days=1)),
        (Status.PUBLISHED, timezone.now() + timedelta(days=1)),  # scheduled
    ],
)
@pytest.mark.parametrize("kind", [Kind.BRIEF, Kind.FEATURE])
def test_draft_items_not_displayed(client, status, publish_at, kind):
    """Only live articles appear on any public page, next to a live one."""
    author, company = make_author(), make_company("6638.HK")
    shown = make_live_article(kind=kind, headline="已經見報的文章", authors=[author])
    hidden = make_article(
        kind=kind,
        status=status,
        publish_at=publish_at,
        headline="不應見報的文章",
        authors=[author],
    )
    for article in (shown, hidden):
        article.companies.add(company)
        article.tags.add("業績")
        Correction.objects.create(article=article, wrong="錯", right="對")
    hidden_month = publish_at or timezone.now()
    urls = every_public_url(shown, author, company, shown.tags.get().slug)
    urls.append(
        reverse(
            "articles:archive_month",
            kwargs={"year": hidden_month.year, "month": hidden_month.month},
        )
    )
    for url in urls:
        html = page_html(client, url)
        assert "不應見報的文章" not in html, url
    other_kind_list = "/features/" if kind == Kind.BRIEF else "/briefs/"
    for url in urls[:-1]:  # the last is the hidden article's month
        if url not in (other_kind_list, "/archive/", "/companies/", "/corrections/"):
            assert "已經見報的文章" in page_html(client, url), url
    assert client.get(f"/articles/{hidden.pk}/").status_code == 404
    # Nor as a neighbour or a related article of the live one.
    assert "不應見報的文章" not in page_html(client, shown.get_absolute_url())


def test_home_shows_lead_features_briefs_and_most_covered_companies(client):
    busy, quiet = make_company("0853.HK", name="微創醫療"), make_company(name="靜悄悄")
    old = make_company(name="舊聞公司")
    feature = make_live_article(kind=Kind.FEATURE, headline="深度長文")
    brief = make_live_article(headline="一則簡訊")
    for article in (feature, brief):
        article.companies.add(busy)
    make_live_article(headline="另一則").companies.add(quiet)
    make_live_article(publish_at=timezone.now() - timedelta(days=10)).companies.add(old)
    html = page_html(client, "/")
    assert "深度長文" in html and "一則簡訊" in html
    most = html.split('id="most-covered-title"')[1]
    assert most.index("微創醫療") < most.index("靜悄悄")
    assert "舊聞公司" not in most


def test_kind_lists_show_only_their_kind(client):
    make_live_article(kind=Kind.FEATURE, headline="長文甲")
    make_live_article(kind=Kind.BRIEF, headline="簡訊乙")
    briefs, features = page_html(client, "/briefs/"), page_html(client, "/features/")
    assert "簡訊乙" in briefs and "長文甲" not in briefs
    assert "長文甲" in features and "簡訊乙" not in features
    everything = page_html(client, "/articles/")
    assert "長文甲" in everything and "簡訊乙" in everything


def test_lists_are_paginated_twenty_a_page(client):
    for n in range(25):
        make_live_article(
            headline=f"第{n:02d}則", publish_at=timezone.now() - timedelta(hours=n + 1)
        )
    first = page_html(client, "/briefs/")
    assert "第00則" in first and "第19則" in first and "第20則" not in first
    second = page_html(client, "/briefs/?page=2")
    assert "第20則" in second and "第24則" in second and "第19則" not in second


def test_pages_of_a_list_never_overlap_when_publish_times_tie(client):
    same_moment = timezone.now() - timedelta(hours=1)
    for n in range(45):
        make_live_article(headline=f"同時第{n:02d}則", publish_at=same_moment)
    pages = []
    for number in (1, 2, 3):
        html = page_html(client, f"/briefs/?page={number}")
        pages.append({n for n in range(45) if f"同時第{n:02d}則" in html})
    assert sorted(n for page in pages for n in page) == list(range(45))
    # At equal times, the later article first.
    assert pages[0] == set(range(25, 45))


@pytest.mark.usefixtures("no_page_cache")
def test_a_deep_page_costs_one_query_more_and_reads_only_keys_to_skip(client):
    deep = views.DIRECT_ROWS // views.PER_PAGE + 2  # the first page read by keys
    for n in range(deep * views.PER_PAGE):
        make_live_article(
            headline=f"深頁第{n:03d}則",
            publish_at=timezone.now() - timedelta(hours=n + 1),
        )
    first = count_queries(client, "/briefs/")
    near = count_queries(client, f"/briefs/?page={deep - 2}")
    with CaptureQueriesContext(connection) as queries:
        html = page_html(client, f"/briefs/?page={deep}")
    # The first pages read their rows in one query; deeper, keys then rows.
    assert near == first and len(queries) == first + 1
    start = (deep - 1) * views.PER_PAGE
    assert f"深頁第{start:03d}則" in html and f"深頁第{start + 19:03d}則" in html
    assert f"深頁第{start - 1:03d}則" not in html
    # The rows skipped by OFFSET are read as keys only; whole rows are read
    # by key for the page's twenty.
    offset = [q["sql"] for q in queries if "OFFSET" in q["sql"].upper()]
    assert len(offset) == 1
    selected = offset[0].upper().split(" FROM ")[0]
    assert selected.count(",") == 0 and '"ID"' in selected, offset[0]


def test_article_page_shows_everything_a_reader_needs(client):
    first, second = make_author(name="陳大文"), make_author(name="李小明")
    company = make_company("6638.HK", name="金融壹賬通")
    article = make_live_article(
        kind=Kind.FEATURE,
        headline="壹賬通業績",
        title_en="OneConnect results",
        dek="收入按年增長。",
        key_points=["收入增長", "虧損收窄"],
        authors=[first, second],
    )
    article.companies.add(company)
    article.tags.add("業績")
    html = page_html(client, article.get_absolute_url())
    for text in ("壹賬通業績", "OneConnect results", "收入按年增長。", "虧損收窄"):
        assert text in html
    assert f'href="{first.get_absolute_url()}"' in html
    assert f'href="{second.get_absolute_url()}"' in html
    assert f'href="{company.get_absolute_url()}"' in html and "6638.HK" in html
    tag_url = reverse("articles:tag", kwargs={"slug": article.tags.get().slug})
    assert f'href="{tag_url}"' in html
    assert 'href="/newsletter/"' in html
    assert hk_datetime(article.publish_at) + "</time>" in html
    minutes = article.reading_minutes
    assert f'<span class="reading-time">閱讀需時 {minutes} 分鐘</span>' in html
    simplified = page_html(client, "/zh-hans" + article.get_absolute_url())
    assert f'<span class="reading-time">阅读时长 {minutes} 分钟</span>' in simplified


def test_corrections_are_dated_above_the_body_and_mark_the_article_updated(client):
    published = timezone.now() - timedelta(days=2)
    article = make_live_article(publish_at=published, body="<p>正文在此</p>")
    Correction.objects.create(article=article, wrong="收入 12 億", right="收入 21 億")
    html = page_html(client, article.get_absolute_url()).split("<main")[1]
    assert html.index("收入 21 億") < html.index("正文在此")
    assert 'class="updated"' in html


def test_updated_time_hidden_when_not_meaningfully_later(client):
    article = make_live_article(publish_at=timezone.now() - timedelta(minutes=1))
    assert 'class="updated"' not in page_html(client, article.get_absolute_url())


def test_chinese_date_format_in_hong_kong_time():
    utc = datetime(2026, 11, 21, 6, 5, tzinfo=ZoneInfo("UTC"))
    assert hk_datetime(utc) == "2026年11月21日 14:05 HKT"
    assert (
        hk_date(datetime(2026, 1, 2, 20, 0, tzinfo=ZoneInfo("UTC"))) == "2026年1月3日"
    )
    assert hk_datetime(None) == ""


def test_related_articles_put_shared_companies_before_shared_tags(client):
    company = make_company("0853.HK")
    article = make_live_article(headline="主文")
    article.companies.add(company)
    article.tags.add("醫療")
    by_tag = make_live_article(
        headline="同標籤文章", publish_at=timezone.now() - timedelta(minutes=5)
    )
    by_tag.tags.add("醫療")
    by_company = make_live_article(
        headline="同公司文章", publish_at=timezone.now() - timedelta(days=3)
    )
    by_company.companies.add(company)
    unrelated = make_live_article(headline="無關文章")
    hidden = make_article(headline="草稿同公司")
    hidden.companies.add(company)
    html = page_html(client, article.get_absolute_url())
    related = html.split('id="related-title"')[1]
    assert related.index("同公司文章") < related.index("同標籤文章")
    assert unrelated.headline not in related and "草稿同公司" not in related


def test_related_articles_are_at_most_four(client):
    company = make_company()
    article = make_live_article()
    article.companies.add(company)
    for n in range(6):
        make_live_article(headline=f"相關{n}").companies.add(company)
    related = page_html(client, article.get_absolute_url()).split('id="related-title"')[
        1
    ]
    assert related.count('class="card ') == 4


def test_previous_and_next_stay_in_the_same_kind(client):
    now = timezone.now()
    older = make_live_article(headline="較舊簡訊", publish_at=now - timedelta(hours=3))
    make_live_article(
        kind=Kind.FEATURE, headline="中間長文", publish_at=now - timedelta(hours=2)
    )
    middle = make_live_article(headline="中間簡訊", publish_at=now - timedelta(hours=2))
    newer = make_live_article(headline="較新簡訊", publish_at=now - timedelta(hours=1))
    make_article(headline="草稿簡訊")
    nav = page_html(client, middle.get_absolute_url()).split('class="prev-next"')[1]
    assert f'class="prev" rel="prev" href="{older.get_absolute_url()}"' in nav
    assert f'class="next" rel="next" href="{newer.get_absolute_url()}"' in nav
    assert "中間長文" not in nav


def test_previous_and_next_walk_articles_published_at_the_same_moment(client):
    """Ties on publish time are broken by key, so every article of a batch
    published in one moment is reachable, and none is its own neighbour."""
    at = timezone.now() - timedelta(hours=1)
    batch = [make_live_article(headline=f"同刻{n}", publish_at=at) for n in range(3)]
    later = make_live_article(headline="稍後", publish_at=at + timedelta(minutes=1))
    make_live_article(headline="未到", publish_at=timezone.now() + timedelta(hours=1))
    chain = [*batch, later]
    for before, this, after in zip(
        [None, *chain[:-1]], chain, [*chain[1:], None], strict=True
    ):
        html = page_html(client, this.get_absolute_url())
        nav = html.split('class="prev-next"')[1] if 'class="prev-next"' in html else ""
        if before:
            assert f'rel="prev" href="{before.get_absolute_url()}"' in nav
        else:
            assert 'rel="prev"' not in nav
        if after:
            assert f'rel="next" href="{after.get_absolute_url()}"' in nav
        else:
            assert 'rel="next"' not in nav  # the scheduled one is not live yet


def test_author_page_shows_bio_and_their_live_articles(client):
    author = make_author(name="王記者", bio="財經記者，專責港股。")
    make_live_article(headline="王記者的報道", authors=[author])
    make_live_article(headline="別人的報道")
    html = page_html(client, author.get_absolute_url())
    assert "財經記者，專責港股。" in html and "王記者的報道" in html
    assert "別人的報道" not in html


def test_tag_page_accepts_unicode_slugs(client):
    article = make_live_article(headline="降準消息")
    article.tags.add("央行")
    slug = article.tags.get().slug
    html = page_html(client, reverse("articles:tag", kwargs={"slug": slug}))
    assert "降準消息" in html
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_archive_lists_months_with_counts_and_month_pages(client):
    make_live_article(
        headline="三月文章", publish_at=datetime(2025, 3, 31, 23, 30, tzinfo=HK)
    )
    make_live_article(
        headline="三月另一篇", publish_at=datetime(2025, 3, 1, 0, 30, tzinfo=HK)
    )
    make_live_article(
        headline="四月文章", publish_at=datetime(2025, 4, 1, 0, 30, tzinfo=HK)
    )
    index = page_html(client, "/archive/")
    assert "/archive/2025/3/" in index and "/archive/2025/4/" in index
    march = page_html(client, "/archive/2025/3/")
    assert "三月文章" in march and "三月另一篇" in march and "四月文章" not in march
    assert client.get("/archive/2025/13/").status_code == 404


def test_corrections_page_lists_newest_first_and_links_articles(client):
    a, b = make_live_article(headline="甲文"), make_live_article(headline="乙文")
    Correction.objects.create(
        article=a, wrong="舊", right="新一", corrected_at=timezone.now() - timedelta(1)
    )
    Correction.objects.create(article=b, wrong="舊", right="新二")
    html = page_html(client, "/corrections/")
    assert html.index("新二") < html.index("新一")
    assert f'href="{a.get_absolute_url()}"' in html


def test_unknown_url_gives_404_in_the_site_look(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="masthead"' in html and 'href="#main"' in html


def test_500_page_is_standalone():
    from django.template import loader

    html = loader.get_template("500.html").render({})
    assert "500" in html and "<style>" in html


def test_base_layout_has_landmarks_skip_link_and_canonical(client):
    html = page_html(client, "/briefs/?page=1&tag=x")
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert '<link rel="canonical" href="http://testserver/briefs/">' in html
    assert 'href="/corrections/"' in html


# --- Query counts ---------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


_symbols = itertools.count(1000)


def add_rich_articles(n, *, author, company, kind=Kind.BRIEF):
    """n live articles, each with two authors, two tags and two listed companies."""
    for _ in range(n):
        second = make_company(f"{next(_symbols)}.HK", f"{next(_symbols):06d}.SZ")
        article = make_live_article(kind=kind, authors=[author, make_author()])
        article.companies.add(company, second)
        article.tags.add("業績", f"標籤{article.pk}")


@pytest.mark.usefixtures("no_page_cache")
def test_article_page_runs_at_most_ten_queries(client, django_assert_max_num_queries):
    author, company = make_author(), make_company("6638.HK")
    add_rich_articles(6, author=author, company=company)
    article = Article.objects.live().last()
    Correction.objects.create(article=article, wrong="錯", right="對")
    # The company matcher is built once per process (and per change to the
    # companies); a render reads only its version.
    get_matcher()
    with django_assert_max_num_queries(10):
        assert client.get(article.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.usefixtures("no_page_cache")
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="one statement on PostgreSQL only"
)
def test_article_page_is_one_statement_on_postgresql(client):
    """Its row, byline, companies, tags, corrections, previous and next, the
    companies' version and the related articles by company in one; the
    related articles by tag in a second, only when its companies give fewer
    than four."""
    author, company = make_author(), make_company("6638.HK")
    add_rich_articles(6, author=author, company=company)
    article = Article.objects.live().order_by("publish_at")[2]  # both neighbours
    get_matcher()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert [q["sql"].count("json_agg") for q in queries] == [6]
    assert "FROM companies_company" in queries[0]["sql"]
    page = response.content.decode()
    assert 'rel="prev"' in page and 'rel="next"' in page
    related = page.split('id="related-title"')[1].split("</section>")[0]
    assert related.count("<article") == views.RELATED_LIMIT
    # Its own company only: related by tag ("業績"), read in a second statement.
    alone = make_live_article(headline="獨家")
    alone.companies.add(make_company("1234.HK"))
    alone.tags.add("業績")
    get_matcher()  # a new company: the matcher is built again once
    with CaptureQueriesContext(connection) as queries:
        page = client.get(alone.get_absolute_url()).content.decode()
    assert len(queries) == 2 and "EXISTS" in queries[1]["sql"]
    related = page.split('id="related-title"')[1].split("</section>")[0]
    assert related.count("<article") == views.RELATED_LIMIT


def test_public_pages_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    author, company = make_author(), make_company("6638.HK")
    add_rich_articles(3, author=author, company=company)
    add_rich_articles(1, author=author, company=company, kind=Kind.FEATURE)
    tag_slug = Article.objects.live().first().tags.get(name="業績").slug
    urls = every_public_url(Article.objects.live().first(), author, company, tag_slug)
    urls += ["/articles/?exchange=HK&tag=" + tag_slug]
    few = {url: count_queries(client, url) for url in urls}
    add_rich_articles(12, author=author, company=company)
    add_rich_articles(2, author=author, company=company, kind=Kind.FEATURE)
    for url in urls:
        with django_assert_max_num_queries(few[url]):
            assert client.get(url).status_code == 200, url


def test_404_page_has_no_canonical_link(client):
    assert 'rel="canonical"' not in client.get("/no-such-page/").content.decode()
