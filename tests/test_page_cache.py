"""The page cache (newsroom/pagecache.py): what it keeps, for whom, under which
key, and that every change readers should see shows on the next request.

The cache is on in every test (tests/settings.py); here it is watched.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import editing, preview, workflow
from articles.models import Article, Correction
from articles.roles import ensure_groups
from newsroom import editions, pagecache
from tests.articles.test_workflow import admin_post_data
from tests.factories import (
    make_article,
    make_author,
    make_company,
    make_editor,
    make_live_article,
)

pytestmark = pytest.mark.django_db


def fetch(client, url):
    response = client.get(url)
    assert response.status_code in (200, 301), (url, response.status_code)
    return response


def state(client, url) -> str | None:
    """'hit', 'miss' (rendered and kept) or None (not kept) for ``url`` now."""
    return fetch(client, url).get(pagecache.HEADER)


def html(client, url) -> str:
    return fetch(client, url).content.decode()


def gone_from(client, url, text):
    """``text`` is not on ``url``: a 404 counts (a tag with no live article left)."""
    response = client.get(url)
    if url.startswith("/tags/") and response.status_code == 404:
        return True
    assert response.status_code in (200, 301), (url, response.status_code)
    return text not in response.content.decode()


def warm(client, *urls):
    for url in urls:
        assert state(client, url) == "miss", url
        assert state(client, url) == "hit", url


@pytest.fixture
def stored(monkeypatch):
    """The keys of the pages stored in the shared cache from now on."""
    keys = []
    cache = caches[settings.PAGE_CACHE_ALIAS]
    original = cache.set

    def record(key, value, *args, **kwargs):
        if key != pagecache.GENERATION_KEY:
            keys.append(key)
        return original(key, value, *args, **kwargs)

    monkeypatch.setattr(cache, "set", record)
    return keys


@pytest.fixture
def desk():
    """A live brief with a company, a tag and an author; a live feature."""
    company = make_company("0700.HK", name="騰訊控股")
    author = make_author(name="林記者")
    brief = make_live_article(
        headline="騰訊回購股份",
        kind=Article.Kind.BRIEF,
        publish_at=timezone.now() - timedelta(hours=2),
        authors=[author],
    )
    brief.companies.add(company)
    brief.tags.add("回購")
    feature = make_live_article(headline="內房的下一步", kind=Article.Kind.FEATURE)
    return {
        "company": company,
        "author": author,
        "brief": brief,
        "feature": feature,
        "editor": make_editor(),
    }


def pages_showing_the_brief(desk):
    brief = desk["brief"]
    return [
        brief.get_absolute_url(),
        "/zh-hans" + brief.get_absolute_url(),
        "/",
        "/articles/",
        "/briefs/",
        desk["company"].get_absolute_url(),
        desk["author"].get_absolute_url(),
        reverse("articles:tag", args=[brief.tags.get().slug]),
        "/feeds/rss/",
        "/feeds/briefs/rss/",
    ]


# --- What is kept, and for whom ---------------------------------------------------


def test_a_hit_runs_no_query_and_keeps_the_public_headers(client, desk):
    url = desk["brief"].get_absolute_url()
    first = fetch(client, url)
    assert first[pagecache.HEADER] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = fetch(client, url)
    assert second[pagecache.HEADER] == "hit"
    assert len(queries) == 0
    assert second.content == first.content
    control = second["Cache-Control"]
    assert "public" in control and "s-maxage" in control
    assert "stale-while-revalidate" in control
    assert not second.cookies
    assert client.get(url, HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 304
    other = client.get(url, HTTP_IF_NONE_MATCH='"another-page"')
    assert (other.status_code, other[pagecache.HEADER]) == (200, "hit")
    assert other.content == first.content


def test_each_edition_is_kept_under_its_own_url(client, desk):
    url = desk["brief"].get_absolute_url()
    warm(client, url, "/zh-hans" + url)
    assert "腾讯回购股份" in html(client, "/zh-hans" + url)
    assert "騰訊回購股份" in html(client, url)


def test_editors_previews_the_admin_and_not_found_are_never_kept(client, desk):
    url = desk["brief"].get_absolute_url()
    for _ in range(2):
        assert pagecache.HEADER not in client.get("/articles/999999/")
    client.force_login(desk["editor"])
    for _ in range(2):
        assert pagecache.HEADER not in client.get(url)
        response = client.get(reverse("admin:articles_article_changelist"))
        assert pagecache.HEADER not in response
    link = preview.create_link(make_article(), by=desk["editor"], hours=1)
    client.logout()
    for _ in range(2):
        response = client.get(preview.link_path(link))
        assert pagecache.HEADER not in response
        assert response["Cache-Control"] == "private, no-store"


def test_pages_of_views_that_say_nothing_are_not_kept(client, desk):
    # The newsletter's pages do not say which query parameters they read.
    client.get("/newsletter/")
    assert pagecache.HEADER not in client.get("/newsletter/")


# --- The key: the path and the parameters the view reads ------------------------


def test_a_thousand_junk_query_strings_add_no_entry(client, desk, stored, monkeypatch):
    url = desk["brief"].get_absolute_url()
    for n in range(1000):
        response = client.get(f"{url}?utm_source=x{n}&fbclid={n}")
        assert response.status_code == 200
    assert stored == []
    # Nor does the Simplified edition's conversion of the whole page.
    conversions = []
    original = editions.cache.set
    monkeypatch.setattr(
        editions.cache,
        "set",
        lambda key, *args, **kwargs: (
            conversions.append(key) or original(key, *args, **kwargs)
        ),
    )
    for n in range(20):
        client.get(f"/zh-hans/briefs/?page=1&utm_campaign={n}")
    assert stored == []
    assert len(conversions) < 20  # text pieces, not one page per junk string


def test_junk_parameters_are_served_the_kept_page(client, desk):
    url = desk["brief"].get_absolute_url()
    warm(client, url)
    assert state(client, f"{url}?utm_source=newsletter") == "hit"
    warm(client, "/briefs/?page=1")
    assert state(client, "/briefs/?utm_source=x&page=1") == "hit"


def test_parameters_the_view_reads_are_normalised_and_separate(client, desk):
    warm(client, "/articles/?kind=brief&page=1")
    assert state(client, "/articles/?page=1&kind=brief") == "hit"
    assert state(client, "/articles/?page=2&kind=brief") == "miss"


# --- Writes cost no more with the cache on ------------------------------------------


def count_save(client, article, **changes):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("admin:articles_article_change", args=[article.pk]),
            admin_post_data(article, **changes),
        )
    assert response.status_code == 302, response
    return len(queries)


def test_a_save_and_a_publish_cost_the_same_queries_with_the_cache_on(client, settings):
    editor = make_editor()
    client.force_login(editor)
    counts = {}
    for cache_on in (False, True):
        settings.PAGE_CACHE = cache_on
        live = make_live_article(headline="一字之改")
        counts["save", cache_on] = count_save(client, live, headline="一字之改正")
        draft = make_article(status=Article.Status.REVIEW)
        counts["publish", cache_on] = count_save(
            client, draft, workflow_action="publish"
        )
    assert counts["save", True] <= counts["save", False] + 2, counts
    assert counts["publish", True] <= counts["publish", False] + 2, counts


# --- Changes show on the next request ------------------------------------------------


def test_an_edit_shows_on_every_page_that_shows_the_article(client, desk):
    urls = pages_showing_the_brief(desk)
    warm(client, *urls)
    client.force_login(desk["editor"])
    assert count_save(client, desk["brief"], headline="騰訊加快回購")
    client.logout()
    for url in urls:
        page = html(client, url)
        assert "加快回購" in page or "加快回购" in page, url


def test_a_correction_shows_on_the_article_and_the_corrections_page(client, desk):
    brief = desk["brief"]
    warm(client, brief.get_absolute_url(), "/corrections/")
    editing.save_article(
        brief,
        by=desk["editor"],
        related=lambda: Correction.objects.create(
            article=brief, wrong="三億", right="三十億"
        ),
    )
    assert "三十億" in html(client, brief.get_absolute_url())
    assert "三十億" in html(client, "/corrections/") or brief.headline in html(
        client, "/corrections/"
    )


def test_an_unpublished_article_leaves_every_page_at_once(client, desk):
    urls = pages_showing_the_brief(desk)
    warm(client, *urls)
    workflow.unpublish(desk["brief"], by=desk["editor"])
    assert client.get(urls[0]).status_code == 404
    assert client.get(urls[1]).status_code == 404
    for url in urls[2:]:
        assert gone_from(client, url, "騰訊回購股份"), url


def test_a_company_renamed_in_the_admin_shows_on_every_page_naming_it(client, desk):
    company = desk["company"]
    urls = [desk["brief"].get_absolute_url(), "/", "/briefs/", "/companies/"]
    warm(client, *urls)
    client.force_login(desk["editor"])
    ticker = company.tickers.get()
    response = client.post(
        reverse("admin:companies_company_change", args=[company.pk]),
        {
            "name": "騰訊集團",
            "name_en": company.name_en,
            "name_hans": "",
            "aliases": "",
            "slug": company.slug,
            "website": "",
            "description": "",
            "tickers-TOTAL_FORMS": "1",
            "tickers-INITIAL_FORMS": "1",
            "tickers-MIN_NUM_FORMS": "0",
            "tickers-MAX_NUM_FORMS": "1000",
            "tickers-0-id": str(ticker.pk),
            "tickers-0-company": str(company.pk),
            "tickers-0-exchange": ticker.exchange,
            "tickers-0-symbol": ticker.symbol,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    for url in urls:
        assert "騰訊集團" in html(client, url), url


def test_a_tag_renamed_in_the_admin_shows_on_every_page_naming_it(client, desk):
    brief = desk["brief"]
    tag = brief.tags.get()
    tag_url = reverse("articles:tag", args=[tag.slug])
    urls = [brief.get_absolute_url(), tag_url]
    warm(client, *urls)
    client.force_login(desk["editor"])
    response = client.post(
        reverse("admin:taggit_tag_change", args=[tag.pk]),
        {"name": "股份回購", "slug": tag.slug},
    )
    assert response.status_code == 302
    client.logout()
    for url in urls:
        assert "股份回購" in html(client, url), url


def test_a_scheduled_article_appears_at_its_minute(client, desk, monkeypatch):
    at = timezone.now() + timedelta(minutes=10)
    brief = make_article(headline="開市前的簡訊", kind=Article.Kind.BRIEF)
    workflow.publish(brief, by=desk["editor"], at=at)
    urls = ["/", "/briefs/", "/feeds/rss/"]
    warm(client, *urls)
    for url in urls:
        assert "開市前的簡訊" not in html(client, url)

    almost = at - timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: almost)
    assert state(client, "/") == "hit"
    later = at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    for url in urls:
        assert "開市前的簡訊" in html(client, url), url
    assert client.get(brief.get_absolute_url()).status_code == 200


def test_a_hit_reads_nothing_from_the_shared_cache(client, desk, monkeypatch):
    """Within PAGE_CACHE_RECHECK_SECONDS of reading the generation, a hit is
    served from this process's copy with no round trip to Redis."""
    url = desk["brief"].get_absolute_url()
    warm(client, url)
    cache, reads = caches[settings.PAGE_CACHE_ALIAS], []
    read = cache.get
    monkeypatch.setattr(cache, "get", lambda *a, **k: reads.append(a) or read(*a, **k))
    assert state(client, url) == "hit"
    assert reads == []


def test_another_process_change_shows_within_the_recheck(
    client, desk, monkeypatch, settings
):
    """Another worker's changed() drops the generation in Redis, not this
    process's memory: the change shows here at the next read of the
    generation, PAGE_CACHE_RECHECK_SECONDS at most after the last one."""
    settings.PAGE_CACHE_RECHECK_SECONDS = 60  # restored by the settings fixture
    url = desk["brief"].get_absolute_url()
    warm(client, url)
    caches[settings.PAGE_CACHE_ALIAS].delete(pagecache.GENERATION_KEY)
    assert state(client, url) == "hit"  # still trusted: this process's copy
    later = timezone.now() + timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert state(client, url) == "miss"
    assert state(client, url) == "hit"


@pytest.mark.django_db(transaction=True)
def test_a_committed_edit_shows_on_the_next_request(client):
    """With real commits: the generation is dropped again at the commit."""
    ensure_groups(Group, Permission)  # a transactional test starts flushed
    editor = make_editor()
    article = make_live_article(headline="舊標題")
    warm(client, article.get_absolute_url(), "/")
    article.headline = "新標題"
    editing.save_article(article, by=editor)
    assert "新標題" in html(client, article.get_absolute_url())
    assert "新標題" in html(client, "/")


def test_a_cache_that_fails_renders_pages_as_if_empty(client, desk, monkeypatch):
    cache = caches[settings.PAGE_CACHE_ALIAS]

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    response = client.get(desk["brief"].get_absolute_url())
    assert response.status_code == 200
    assert pagecache.HEADER not in response


def test_the_local_copy_is_bounded_in_bytes(client, desk, settings):
    settings.PAGE_CACHE_LOCAL_BYTES = 1
    warm(client, desk["brief"].get_absolute_url())
    assert pagecache._local.size == 0


def test_an_article_deleted_in_the_admin_leaves_every_page(client, desk):
    urls = pages_showing_the_brief(desk)[2:]
    warm(client, *urls)
    client.force_login(desk["editor"])
    response = client.post(
        reverse("admin:articles_article_delete", args=[desk["brief"].pk]),
        {"post": "yes"},
    )
    assert response.status_code == 302
    client.logout()
    for url in urls:
        assert gone_from(client, url, "騰訊回購股份"), url


def test_the_cache_is_one_module_a_reader_takes_in_at_one_sitting():
    # Issue 18: the cache module(s) at most 200 lines in all.
    from pathlib import Path

    source = Path(pagecache.__file__).read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 200
