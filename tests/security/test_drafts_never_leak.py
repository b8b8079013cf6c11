"""Drafts, articles in review, scheduled and unpublished articles never reach
readers, on any page, in any feed or sitemap, through any query parameter.

Every hidden article carries a marker of its own in headline, English title,
dek, key points and body, and shares its company, tag, author and kind with
live articles, so each list, filter, feed and "related" query that forgot
``Article.objects.live()`` would show it. Every response is searched for the
markers and for links to the hidden articles; the live articles are checked
to be there, so no test passes on an empty page.
"""

from datetime import datetime, timedelta
from unittest import mock
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache, caches
from django.urls import reverse
from django.utils import timezone

from articles import preview, workflow
from articles.models import Article, Correction
from articles.roles import ensure_groups
from articles.search import index_article
from newsletter import composing, rendering
from newsletter.models import Issue, IssuePick, Script, current_week
from newsroom import pagecache
from tests.factories import make_article, make_author, make_company, make_editor
from tests.security import surfaces

Status = Article.Status
Kind = Article.Kind
HKT = ZoneInfo("Asia/Hong_Kong")

# How far from now each hidden article's publish time is: drafts and articles
# in review keep the time of an earlier publication or schedule, so a query
# that filtered on the time alone would show them too.
HIDDEN = {
    "draft": (Status.DRAFT, timedelta(hours=-2, minutes=-30)),
    "review": (Status.REVIEW, timedelta(hours=-2, minutes=-20)),
    "scheduled": (Status.PUBLISHED, timedelta(days=1)),
    "unpublished": (Status.UNPUBLISHED, timedelta(hours=-2, minutes=-10)),
}
# Query parameters a view might one day read to show more than it should.
SNEAKY_PARAMS = {
    "preview": "1",
    "status": "draft",
    "draft": "1",
    "drafts": "1",
    "version": "1",
    "show": "all",
    "include_drafts": "1",
    "all": "1",
    "unpublished": "1",
    "scheduled": "1",
    "publish_at__gte": "2000-01-01",
}
SNEAKY = urlencode(SNEAKY_PARAMS)


def marker(name: str, kind: str) -> str:
    return f"LEAK{name.upper()}{kind.upper()}"


def _content(text: str) -> dict:
    """Every text field of an article, carrying ``text``."""
    return {
        "headline": f"{text} 騰訊控股業績",
        "title_en": f"{text} results",
        "dek": f"{text} 收入增長",
        "key_points": [f"{text} 重點"],
        "body": f"<p>騰訊控股 0700.HK 公布業績 {text}。</p><p>第二段 {text}。</p>",
    }


def build_newsroom(now=None) -> dict:
    """Live briefs and a feature, and hidden articles of every kind and state
    interleaved with them, all about one company, tag and author."""
    now = now or timezone.now()
    company = make_company("0700.HK", name="騰訊控股", name_en="Tencent Leak Test")
    author = make_author(name="林記者", slug="lam-reporter")
    # Only hidden articles carry this tag: it must not be listed anywhere.
    hidden_only_tag = "LEAKTAGONLY"
    live = {}
    for name, kind, age in (
        ("LIVEBRIEFOLD", Kind.BRIEF, timedelta(hours=3)),
        ("LIVEBRIEFNEW", Kind.BRIEF, timedelta(hours=1)),
        ("LIVEFEATURE", Kind.FEATURE, timedelta(hours=2)),
    ):
        live[name] = make_article(
            status=Status.PUBLISHED,
            kind=kind,
            publish_at=now - age,
            authors=[author],
            **_content(name),
        )
    hidden = {}
    for name, (status, offset) in HIDDEN.items():
        for kind in Kind.values:
            article = make_article(
                status=status,
                kind=kind,
                publish_at=now + offset,
                authors=[author],
                **_content(marker(name, kind)),
            )
            if status == Status.UNPUBLISHED:
                article.first_published_at = now + offset
                article.save()
            Correction.objects.create(
                article=article,
                wrong=f"{marker(name, kind)} 錯",
                right=f"{marker(name, kind)} 對",
            )
            article.tags.add(hidden_only_tag)
            hidden[marker(name, kind)] = article
    for article in [*live.values(), *hidden.values()]:
        article.companies.add(company)
        article.tags.add("騰訊")
        index_article(article.pk)
    Correction.objects.create(article=live["LIVEFEATURE"], wrong="舊", right="新")
    return {
        "now": now,
        "company": company,
        "author": author,
        "tag": live["LIVEBRIEFOLD"].tags.get(name="騰訊"),
        "live": live,
        "hidden": hidden,
        "markers": [*hidden, hidden_only_tag],
    }


@pytest.fixture
def newsroom(db):
    cache.clear()
    return build_newsroom()


def leaks(content: bytes | str, newsroom, *, markers=True, links=True) -> list[str]:
    """The markers and links to hidden articles in ``content``."""
    text = content.decode() if isinstance(content, bytes) else content
    found = [m for m in newsroom["markers"] if markers and m in text]
    if links:
        found += [
            f"/articles/{article.pk}/"
            for article in newsroom["hidden"].values()
            if f"/articles/{article.pk}/" in text
        ]
    return found


def _without_the_query(markup: str) -> str:
    """A search page's main content without what repeats the query (the form,
    the count, notices), so a marker searched for is not taken for a leak;
    its results stay."""
    (main,) = lxml.html.document_fromstring(markup).xpath("//main")
    for element in main.xpath(
        ".//form | .//*[contains(@class, 'search-count')]"
        " | .//*[contains(@class, 'notice')]"
    ):
        element.drop_tree()
    return lxml.html.tostring(main, encoding=str)


def assert_no_leak(client, url, newsroom, *, status=200, live=None):
    """``url`` answers ``status``, shows no hidden article, and (``live``) shows
    that many live articles at least."""
    response = client.get(url, follow=True)
    assert response.status_code == status, (url, response.status_code)
    content = response.content.decode()
    shown = content
    if "/search/" in url and status == 200:
        shown = _without_the_query(content)
        # Links to hidden articles: anywhere on the page.
        assert not leaks(content, newsroom, markers=False), url
    # A page not found names its own address (canonical link): not a leak.
    found = leaks(shown, newsroom, links=status != 404)
    assert not found, (url, found)
    if live:
        names = [name for name in newsroom["live"] if name in shown]
        assert len(names) >= live, (url, "shows no live article: vacuous", names)
    return response


def list_urls(n) -> dict[str, int]:
    """Public lists and their filters: how many live articles each shows."""
    company, author, tag = n["company"], n["author"], n["tag"]
    hidden_day = timezone.localtime(n["now"] + HIDDEN["draft"][1]).date()
    tomorrow = timezone.localtime(n["now"] + HIDDEN["scheduled"][1]).date()
    month = timezone.localtime(n["now"] + HIDDEN["draft"][1])
    later = timezone.localtime(n["now"] + HIDDEN["scheduled"][1])
    tag_url = reverse("articles:tag", kwargs={"slug": tag.slug})
    filters = [
        {"kind": "brief"},
        {"kind": "feature"},
        {"tag": tag.slug},
        {"company": company.name},
        {"company": "0700.HK"},
        {"company": company.slug},
        {"author": author.slug},
        {"exchange": "HK"},
        {"date_from": hidden_day.isoformat(), "date_to": hidden_day.isoformat()},
        {"date_from": tomorrow.isoformat()},
        {"page": "2"},
        {"page": "999"},
        {"page": "0"},
        {"tag": tag.slug, "company": "0700.HK", "author": author.slug, "kind": ""},
    ]
    urls = {
        "/": 2,
        "/articles/": 3,
        "/briefs/": 2,
        "/features/": 1,
        company.get_absolute_url(): 3,
        company.get_absolute_url() + "?page=2": 3,
        tag_url: 3,
        author.get_absolute_url(): 3,
        "/companies/": 0,
        "/archive/": 0,
        f"/archive/{month.year}/{month.month}/": 0,
        f"/archive/{later.year}/{later.month}/": 0,
        "/corrections/": 1,
        reverse("articles:ticker", kwargs={"ticker": "700.hk"}): 3,
    }
    for params in filters:
        urls["/articles/?" + urlencode(params)] = 0
        urls["/briefs/?" + urlencode(params)] = 0
    for url in list(urls):
        # Whatever a view might read to show more: never more.
        joiner = "&" if "?" in url else "?"
        urls[url + joiner + SNEAKY] = urls[url]
    return urls


def search_urls(n) -> list[str]:
    queries = [*n["markers"], "騰訊控股", "0700.HK", "腾讯控股", "results", "LEAK"]
    urls = ["/search/?" + urlencode({"q": q}) for q in queries]
    urls += [
        "/search/?" + urlencode({"q": "騰訊", "tag": n["tag"].slug}),
        "/search/?" + urlencode({"q": "騰訊", "author": n["author"].slug}),
        "/search/?" + urlencode({"q": "業績", "company": "0700.HK", "kind": "brief"}),
        "/search/?q=LEAKDRAFTBRIEF&" + SNEAKY,
    ]
    return urls


def feed_urls(n) -> list[str]:
    return surfaces.feed_urls(company=n["company"], tag=n["tag"], author=n["author"])


SITEMAPS = [
    "/sitemap.xml",
    "/sitemap-lists.xml",
    "/sitemap-articles.xml",
    "/sitemap-companies.xml",
    "/sitemap-tags.xml",
    "/sitemap-authors.xml",
    "/news-sitemap.xml",
    "/robots.txt",
]


# --- the public site ----------------------------------------------------------------


def test_lists_filters_and_archives_never_show_hidden_articles(client, newsroom):
    for url, live in list_urls(newsroom).items():
        for edition in ("", "/zh-hans"):
            assert_no_leak(client, edition + url, newsroom, live=live)


def test_hidden_article_pages_are_not_found_whatever_the_query(client, newsroom):
    editor = make_editor()
    for article in newsroom["hidden"].values():
        urls = [f"/articles/{article.pk}/", article.get_absolute_url()]
        urls += [f"{url}?{SNEAKY}" for url in urls]
        urls += [f"/articles/{article.pk}/?{k}={v}" for k, v in SNEAKY_PARAMS.items()]
        for url in urls:
            for edition in ("", "/zh-hans"):
                assert_no_leak(client, edition + url, newsroom, status=404)
    # An editor's session shows no more on the public site: previews are
    # the admin's and the preview links'.
    client.force_login(editor)
    for article in newsroom["hidden"].values():
        url = f"/articles/{article.pk}/?{SNEAKY}"
        assert_no_leak(client, url, newsroom, status=404)
    assert_no_leak(client, "/?" + SNEAKY, newsroom, live=2)
    assert_no_leak(client, "/search/?q=LEAK", newsroom)


def test_live_article_pages_link_no_hidden_article(client, newsroom):
    """Previous/next links and related articles come from live articles only."""
    live = newsroom["live"]
    for article in live.values():
        for edition in ("", "/zh-hans"):
            url = edition + article.get_absolute_url()
            assert_no_leak(client, url, newsroom)
    # Not vacuous: the older brief's next brief is the newer one, and both are
    # related to the feature (same company and tag).
    older = client.get(live["LIVEBRIEFOLD"].get_absolute_url()).content.decode()
    assert live["LIVEBRIEFNEW"].get_absolute_url() in older
    feature = client.get(live["LIVEFEATURE"].get_absolute_url()).content.decode()
    assert "LIVEBRIEFOLD" in feature and "LIVEBRIEFNEW" in feature


def test_search_never_finds_hidden_articles(client, newsroom):
    for url in search_urls(newsroom):
        for edition in ("", "/zh-hans"):
            assert_no_leak(client, edition + url, newsroom)
    assert_no_leak(client, "/search/?q=騰訊控股", newsroom, live=3)


def test_feeds_never_carry_hidden_articles(client, newsroom):
    for url in feed_urls(newsroom):
        for edition in ("", "/zh-hans"):
            live = 1 if "features" in url else 2 if "briefs" in url else 3
            assert_no_leak(client, edition + url, newsroom, live=live)
            assert_no_leak(client, f"{edition}{url}?{SNEAKY}", newsroom, live=live)


def test_sitemaps_never_list_hidden_articles_or_their_only_tags(client, newsroom):
    for url in SITEMAPS:
        assert_no_leak(client, url, newsroom)
        assert_no_leak(client, f"{url}?{SNEAKY}", newsroom)
    articles = client.get("/sitemap-articles.xml").content.decode()
    news = client.get("/news-sitemap.xml").content.decode()
    for article in newsroom["live"].values():
        assert article.get_absolute_url() in articles
        assert article.get_absolute_url() in news
    # A tag only hidden articles carry has no page in the sitemap.
    tags = client.get("/sitemap-tags.xml").content.decode()
    assert "leaktagonly" not in tags.lower()
    assert reverse("articles:tag", kwargs={"slug": newsroom["tag"].slug}) in tags


# --- the newsletter -----------------------------------------------------------------


def test_a_sent_issue_never_shows_hidden_picks(client, newsroom):
    """An issue whose picks include hidden articles (picked, then unpublished,
    or added by hand) shows the live ones only: on the web, in the email, in
    the admin's previews."""
    week = current_week(newsroom["live"]["LIVEBRIEFNEW"].publish_at)
    issue = Issue.objects.create(
        week=week, subject="本週", status=Issue.Status.SENT, sent_at=timezone.now()
    )
    picks = [*newsroom["hidden"].values(), *newsroom["live"].values()]
    IssuePick.objects.bulk_create(
        IssuePick(issue=issue, article=article, position=n)
        for n, article in enumerate(picks)
    )
    for edition in ("", "/zh-hans"):
        assert_no_leak(client, edition + issue.get_absolute_url(), newsroom, live=3)
        assert_no_leak(client, edition + "/newsletter/", newsroom)
    for script in Script.values:
        rendered = rendering.render_issue(issue, script)
        parts = (rendered.html, rendered.text, rendered.subject, rendered.preheader)
        assert not leaks(" ".join(parts), newsroom), script
        assert "LIVEFEATURE" in rendered.html and "LIVEFEATURE" in rendered.text
    client.force_login(make_editor())
    for script in Script.values:
        for fmt in ("html", "text"):
            args = [issue.pk, script, fmt]
            url = reverse("admin:newsletter_issue_preview", args=args)
            assert_no_leak(client, url, newsroom, live=3)


def test_composing_a_week_picks_live_articles_only(db, client):
    """New issues and "fill with the week's articles" take the week's live
    articles: not a scheduled one due later that week, not drafts or
    unpublished ones with publish times in it."""
    wednesday = datetime(2026, 3, 4, 12, tzinfo=HKT)  # in 2026-W10
    with mock.patch("django.utils.timezone.now", return_value=wednesday):
        newsroom = build_newsroom(now=wednesday)
        scheduled = newsroom["hidden"][marker("scheduled", Kind.BRIEF)]
        assert current_week(scheduled.publish_at) == "2026-W10"  # later that week

        issue = composing.create_issue("2026-W10")
        picked = set(issue.picks.values_list("article__headline", flat=True))
        assert len(picked) == 3
        assert not leaks(" ".join(picked), newsroom)
        assert not leaks(f"{issue.subject} {issue.preheader}", newsroom)

        empty = Issue.objects.create(week="2026-W11", subject="下週")
        assert composing.fill_with_week(empty) == 0  # nothing live that week
        issue.picks.all().delete()
        client.force_login(make_editor())
        client.post(reverse("admin:newsletter_issue_status", args=[issue.pk, "fill"]))
        picked = set(issue.picks.values_list("article__headline", flat=True))
        assert len(picked) == 3
        assert not leaks(" ".join(picked), newsroom)
        # The picker offers live articles only.
        url = reverse("admin:newsletter_issuepick_autocomplete")
        for term in ("LEAK", "騰訊", ""):
            response = client.get(url, {"term": term, **_autocomplete_params()})
            assert response.status_code == 200
            assert not leaks(response.content, newsroom), term
        assert "LIVEFEATURE" in response.content.decode()


def _autocomplete_params() -> dict:
    return {
        "app_label": "newsletter",
        "model_name": "issuepick",
        "field_name": "article",
    }


# --- previews -----------------------------------------------------------------------


def _assert_private_preview(response):
    assert response.status_code == 200
    control = response["Cache-Control"]
    assert "private" in control and "no-store" in control, control
    assert "noindex" in response["X-Robots-Tag"]
    assert pagecache.HEADER not in response


def test_previews_are_private_and_unindexed(client, newsroom):
    editor = make_editor()
    article = newsroom["hidden"][marker("draft", Kind.BRIEF)]
    link = preview.create_link(article, by=editor, hours=1)
    for edition in ("", "/zh-hans"):
        response = client.get(edition + preview.link_path(link))
        _assert_private_preview(response)
        assert marker("draft", Kind.BRIEF) in response.content.decode()
        assert '<meta name="robots" content="noindex' in response.content.decode()
    client.force_login(editor)
    for hidden in newsroom["hidden"].values():
        url = reverse("admin:articles_article_preview", args=[hidden.pk])
        _assert_private_preview(client.get(url))


# --- with the page cache on -----------------------------------------------------------


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE = True
    settings.PAGE_CACHE_ALIAS = "pages"
    caches["pages"].clear()
    pagecache._local.clear()
    cache.clear()
    yield caches["pages"]
    caches["pages"].clear()
    pagecache._local.clear()


CACHED_URLS = [
    "/",
    "/articles/",
    "/briefs/",
    "/corrections/",
    "/search/?q=騰訊控股",
    "/feeds/rss/",
    "/feeds/briefs/atom/",
    "/sitemap-articles.xml",
    "/news-sitemap.xml",
]


@pytest.mark.django_db(transaction=True)
def test_with_the_page_cache_readers_see_only_the_public_version(client, page_cache):
    ensure_groups(Group, Permission)  # a transactional test starts flushed
    newsroom = build_newsroom()
    editor = make_editor()
    live = newsroom["live"]["LIVEBRIEFNEW"]
    urls = [
        *CACHED_URLS,
        live.get_absolute_url(),
        newsroom["company"].get_absolute_url(),
        reverse("articles:tag", kwargs={"slug": newsroom["tag"].slug}),
        newsroom["author"].get_absolute_url(),
    ]
    urls += ["/zh-hans" + url for url in urls if not url.endswith(".xml")]
    for url in urls:  # kept
        assert_no_leak(client, url, newsroom)
        assert client.get(url)[pagecache.HEADER] == "hit", url

    # Previews of every hidden article, by link and in the admin ...
    for hidden in newsroom["hidden"].values():
        link = preview.create_link(hidden, by=editor, hours=1)
        for _ in range(2):
            _assert_private_preview(client.get(preview.link_path(link)))
        preview.revoke(link)
        assert client.get(preview.link_path(link)).status_code == 404
    client.force_login(editor)
    for hidden in newsroom["hidden"].values():
        url = reverse("admin:articles_article_preview", args=[hidden.pk])
        _assert_private_preview(client.get(url))
    client.logout()

    # ... leave readers the public pages, and the hidden ones not found.
    for url in urls:
        assert_no_leak(client, url, newsroom)
    for hidden in newsroom["hidden"].values():
        for _ in range(2):
            assert_no_leak(client, f"/articles/{hidden.pk}/", newsroom, status=404)

    # A live article taken down leaves every kept page at once.
    workflow.unpublish(live, by=editor)
    newsroom["markers"].append("LIVEBRIEFNEW")
    for url in urls:
        if url.endswith(live.get_absolute_url()):
            assert client.get(url).status_code == 404, url
        else:
            assert_no_leak(client, url, newsroom)
