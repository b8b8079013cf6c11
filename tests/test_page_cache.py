"""The server-side page cache: what it keeps, and that each change invalidates
exactly the pages that show it.

Real transactions (changes commit, so invalidation runs as in production),
and Redis as the cache when REDIS_URL is set (the PostgreSQL run of
.ci/run), else the local-memory cache. Every test starts with an empty cache.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles import image_tasks, preview, workflow
from articles.models import Article, Correction
from articles.roles import ensure_groups
from companies.merging import merge_companies
from newsroom import pagecache
from tests.articles.test_images import camera_jpeg, upload
from tests.factories import (
    make_article,
    make_author,
    make_company,
    make_editor,
    make_live_article,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE = True
    settings.FRAGMENT_CACHE = True
    settings.PAGE_CACHE_ALIAS = "pages"
    caches["pages"].clear()
    pagecache._local.clear()
    yield caches["pages"]
    caches["pages"].clear()


def fetch(client, url):
    response = client.get(url)
    assert response.status_code in (200, 301), (url, response.status_code)
    return response


def state(client, url) -> str:
    """'hit' or 'miss' for ``url`` now."""
    return fetch(client, url)[pagecache.HEADER]


def html(client, url) -> str:
    return fetch(client, url).content.decode()


def warm(client, *urls):
    for url in urls:
        assert state(client, url) == "miss", url
        assert state(client, url) == "hit", url


@pytest.fixture
def desk():
    """Two briefs and a feature, live, about different companies."""
    # A transactional test starts from a flushed database: no role groups.
    ensure_groups(Group, Permission)
    tencent = make_company("0700.HK", name="騰訊控股")
    vanke = make_company("2202.HK", name="萬科企業")
    writer = make_author(name="林記者")
    now = timezone.now()
    older = make_live_article(
        headline="騰訊回購股份",
        kind=Article.Kind.BRIEF,
        publish_at=now - timedelta(hours=3),
        authors=[writer],
    )
    older.companies.add(tencent)
    older.tags.add("回購")
    newer = make_live_article(
        headline="萬科銷售放緩",
        kind=Article.Kind.BRIEF,
        publish_at=now - timedelta(hours=2),
    )
    newer.companies.add(vanke)
    feature = make_live_article(
        headline="內房的下一步",
        kind=Article.Kind.FEATURE,
        publish_at=now - timedelta(hours=1),
    )
    return {
        "tencent": tencent,
        "vanke": vanke,
        "writer": writer,
        "older": older,
        "newer": newer,
        "feature": feature,
        "editor": make_editor(),
    }


# --- What is kept, and for whom -------------------------------------------------


def test_second_request_is_served_from_the_cache_without_a_query(client, desk):
    url = desk["older"].get_absolute_url()
    first = fetch(client, url)
    assert first[pagecache.HEADER] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = fetch(client, url)
    assert second[pagecache.HEADER] == "hit"
    assert len(queries) == 0
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert "public" in second["Cache-Control"]
    assert "stale-while-revalidate" in second["Cache-Control"]
    assert not second.cookies
    assert "cookie" not in second.get("Vary", "").lower()
    # A hit still answers a conditional GET.
    assert client.get(url, HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 304


def test_each_edition_is_kept_under_its_own_url(client, desk):
    url = desk["older"].get_absolute_url()
    warm(client, url, "/zh-hans" + url)
    simplified = html(client, "/zh-hans" + url)
    assert "腾讯回购股份" in simplified
    assert "騰訊回購股份" in html(client, url)


def test_query_strings_are_separate_pages(client, desk):
    warm(client, "/briefs/", "/briefs/?page=2")
    assert state(client, "/briefs/?page=3") == "miss"


def test_editors_previews_and_the_admin_are_never_cached(client, desk):
    article_url = desk["older"].get_absolute_url()
    client.force_login(desk["editor"])
    for _ in range(2):
        response = client.get(article_url)
        assert response.status_code == 200
        assert pagecache.HEADER not in response
    for _ in range(2):
        response = client.get(reverse("admin:articles_article_changelist"))
        assert pagecache.HEADER not in response
        assert (
            "no-cache" in response["Cache-Control"]
            or "private" in (response["Cache-Control"])
        )
    draft = make_article(headline="草稿")
    link = preview.create_link(draft, by=desk["editor"], hours=1)
    client.logout()
    for _ in range(2):
        response = client.get(preview.link_path(link))
        assert response.status_code == 200
        assert pagecache.HEADER not in response
        assert response["Cache-Control"] == "private, no-store"


def test_pages_that_declare_no_dependencies_are_not_kept(client, desk):
    # The newsletter's pages are the newsletter app's, not in the page cache.
    client.get("/newsletter/")
    assert pagecache.HEADER not in client.get("/newsletter/")


def test_not_found_is_not_kept(client, desk):
    assert client.get("/articles/999999/").status_code == 404
    assert pagecache.HEADER not in client.get("/articles/999999/")


# --- Invalidation: exactly the pages that show the change -----------------------


def test_editing_an_article_refreshes_the_pages_showing_it_and_no_other(client, desk):
    older, newer, feature = desk["older"], desk["newer"], desk["feature"]
    showing = [
        older.get_absolute_url(),
        "/",
        "/briefs/",
        desk["tencent"].get_absolute_url(),
        newer.get_absolute_url(),  # links to it as the previous brief
        "/feeds/rss/",
    ]
    not_showing = [feature.get_absolute_url(), desk["vanke"].get_absolute_url()]
    warm(client, *showing, *not_showing, "/sitemap-articles.xml")

    older.headline = "騰訊加快回購"
    older.save()

    # The sitemap gives its time of change.
    assert state(client, "/sitemap-articles.xml") == "miss"

    for url in showing:
        assert state(client, url) == "miss", url
        assert "騰訊加快回購" in html(client, url), url
    for url in not_showing:
        assert state(client, url) == "hit", url


def test_a_page_loading_many_articles_depends_on_them_all(client, desk, monkeypatch):
    # Past the limit, the sitemap records one tag for all articles.
    monkeypatch.setattr(pagecache, "MAX_TAGS_PER_MODEL", 1)
    warm(client, "/sitemap-articles.xml")
    desk["feature"].dek = "新的導語"
    desk["feature"].save()
    assert state(client, "/sitemap-articles.xml") == "miss"


def test_publishing_refreshes_lists_and_the_neighbours_it_joins(client, desk):
    older, newer, feature = desk["older"], desk["newer"], desk["feature"]
    urls = ["/", "/briefs/", newer.get_absolute_url(), feature.get_absolute_url()]
    warm(client, *urls)
    brief = make_article(headline="騰訊發布新遊戲", kind=Article.Kind.BRIEF)
    brief.companies.add(desk["tencent"])
    warm(client, desk["tencent"].get_absolute_url())
    # Saving a draft touches no public page.
    for url in [*urls, desk["tencent"].get_absolute_url()]:
        assert state(client, url) == "hit", url

    workflow.publish(brief, by=desk["editor"])

    assert "騰訊發布新遊戲" in html(client, "/")
    assert "騰訊發布新遊戲" in html(client, "/briefs/")
    assert "騰訊發布新遊戲" in html(client, desk["tencent"].get_absolute_url())
    # The latest brief before it now links to it as the next one.
    assert brief.get_absolute_url() in html(client, newer.get_absolute_url())
    # A feature without shared companies or tags is untouched.
    assert state(client, feature.get_absolute_url()) == "hit"
    assert state(client, older.get_absolute_url()) == "miss"  # related: Tencent


def test_unpublishing_removes_it_everywhere(client, desk):
    older = desk["older"]
    urls = ["/", "/briefs/", desk["tencent"].get_absolute_url(), "/feeds/rss/"]
    warm(client, older.get_absolute_url(), *urls)

    workflow.unpublish(older, by=desk["editor"])

    assert client.get(older.get_absolute_url()).status_code == 404
    for url in urls:
        assert "騰訊回購股份" not in html(client, url), url
    assert "騰訊回購股份" not in html(client, "/sitemap-articles.xml")


def test_deleting_an_article_removes_it_everywhere(client, desk):
    older = desk["older"]
    url = older.get_absolute_url()
    warm(client, url, "/briefs/")
    older.delete()
    assert client.get(url).status_code == 404
    assert "騰訊回購股份" not in html(client, "/briefs/")


def test_a_correction_refreshes_the_article_and_the_corrections_page(client, desk):
    older = desk["older"]
    warm(client, older.get_absolute_url(), "/corrections/")
    warm(client, desk["feature"].get_absolute_url())
    Correction.objects.create(article=older, wrong="回購一億股", right="回購一千萬股")
    assert "回購一千萬股" in html(client, older.get_absolute_url())
    assert "回購一千萬股" in html(client, "/corrections/")
    assert state(client, desk["feature"].get_absolute_url()) == "hit"


def test_renaming_a_company_refreshes_its_pages_and_articles(client, desk):
    tencent, vanke = desk["tencent"], desk["vanke"]
    showing = [tencent.get_absolute_url(), desk["older"].get_absolute_url(), "/"]
    warm(client, *showing, vanke.get_absolute_url(), desk["feature"].get_absolute_url())
    tencent.name = "騰訊集團"
    tencent.save()
    for url in showing:
        assert "騰訊集團" in html(client, url), url
    assert state(client, vanke.get_absolute_url()) == "hit"
    # Every article page links company names in its body, so any company's
    # names may change what it links: those pages are made again.
    assert state(client, desk["feature"].get_absolute_url()) == "miss"


def test_linking_a_company_refreshes_its_page(client, desk):
    vanke, feature = desk["vanke"], desk["feature"]
    warm(client, vanke.get_absolute_url(), desk["tencent"].get_absolute_url())
    feature.companies.add(vanke)
    assert "內房的下一步" in html(client, vanke.get_absolute_url())
    assert state(client, desk["tencent"].get_absolute_url()) == "hit"
    feature.companies.remove(vanke)
    assert "內房的下一步" not in html(client, vanke.get_absolute_url())


def test_merging_companies_refreshes_the_kept_company_page(client, desk):
    tencent, vanke = desk["tencent"], desk["vanke"]
    warm(client, tencent.get_absolute_url())
    merge_companies(tencent, [vanke])
    assert "萬科銷售放緩" in html(client, tencent.get_absolute_url())


def test_renaming_an_author_refreshes_the_bylines(client, desk):
    writer, older = desk["writer"], desk["older"]
    warm(client, older.get_absolute_url(), writer.get_absolute_url())
    warm(client, desk["newer"].get_absolute_url())
    writer.name = "林大記者"
    writer.save()
    assert "林大記者" in html(client, older.get_absolute_url())
    assert "林大記者" in html(client, writer.get_absolute_url())
    assert state(client, desk["newer"].get_absolute_url()) == "hit"


def test_renaming_or_adding_a_tag_refreshes_its_pages(client, desk):
    older, newer = desk["older"], desk["newer"]
    tag = Tag.objects.get(name="回購")
    tag_url = reverse("articles:tag", kwargs={"slug": tag.slug})
    warm(client, tag_url, older.get_absolute_url(), newer.get_absolute_url())
    tag.name = "股份回購"
    tag.save()
    assert "股份回購" in html(client, tag_url)
    assert "股份回購" in html(client, older.get_absolute_url())
    newer.tags.add(tag)
    assert "萬科銷售放緩" in html(client, tag_url)


def test_a_scheduled_article_appears_at_its_time_with_nothing_saved(
    client, desk, monkeypatch
):
    at = timezone.now() + timedelta(minutes=10)
    brief = make_article(headline="開市前的簡訊", kind=Article.Kind.BRIEF)
    workflow.publish(brief, by=desk["editor"], at=at)
    urls = ["/", "/briefs/", desk["newer"].get_absolute_url()]
    warm(client, *urls)
    for url in urls[:2]:
        assert "開市前的簡訊" not in html(client, url)

    later = at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert "開市前的簡訊" in html(client, "/")
    assert "開市前的簡訊" in html(client, "/briefs/")
    assert brief.get_absolute_url() in html(client, desk["newer"].get_absolute_url())
    assert state(client, desk["feature"].get_absolute_url()) in ("miss", "hit")


def test_new_renditions_refresh_the_article_page(client, desk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    older = desk["older"]
    older.hero_image = upload("hero.jpg", camera_jpeg())
    older.save()
    warm(client, older.get_absolute_url(), desk["feature"].get_absolute_url())
    # What the renditions task does once they are made: a conditional
    # update(), no save.
    assert image_tasks.update_renditions(older, force=True).status == "made"
    assert state(client, older.get_absolute_url()) == "miss"
    assert state(client, desk["feature"].get_absolute_url()) == "hit"


# --- Races and failures ------------------------------------------------------------


def test_a_page_rendered_across_an_invalidation_is_not_kept(rf, desk, settings):
    older = desk["older"]

    def render_while_publishing(request):
        from articles.views import article_detail

        response = article_detail(request, older.pk, older.slug)
        # The article changes after the page read it, before it is stored.
        pagecache.invalidate([f"a:{older.pk}"])
        return response

    from articles.views import article_detail

    url = older.get_absolute_url()
    racing = pagecache.PageCacheMiddleware(render_while_publishing)
    assert pagecache.HEADER not in racing(rf.get(url))  # not stored
    calm = pagecache.PageCacheMiddleware(
        lambda request: article_detail(request, older.pk, older.slug)
    )
    assert calm(rf.get(url))[pagecache.HEADER] == "miss"
    assert calm(rf.get(url))[pagecache.HEADER] == "hit"


def test_a_page_that_drew_a_csp_nonce_is_not_kept(rf, desk):
    """A nonce is one request's: a page whose render drew one is never
    served to anyone else (newsroom/security.py)."""
    from articles.views import article_detail

    older = desk["older"]

    def render_with_nonce(request):
        request._csp_nonce = "drawn-for-this-request"
        return article_detail(request, older.pk, older.slug)

    url = older.get_absolute_url()
    with_nonce = pagecache.PageCacheMiddleware(render_with_nonce)
    assert pagecache.HEADER not in with_nonce(rf.get(url))
    assert pagecache.HEADER not in with_nonce(rf.get(url))  # still not kept


class BrokenCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down")

        return fail


def test_a_broken_cache_serves_pages_uncached(client, desk, monkeypatch):
    monkeypatch.setattr(pagecache, "_cache", lambda: BrokenCache())
    for _ in range(2):
        response = client.get(desk["older"].get_absolute_url())
        assert response.status_code == 200
        assert pagecache.HEADER not in response
    # Saving still works; the invalidation failure is logged, not raised.
    desk["older"].headline = "改了標題"
    desk["older"].save()


def test_the_local_copy_keeps_to_its_size_and_drops_the_oldest(settings):
    settings.PAGE_CACHE_LOCAL_BYTES = 250
    local = pagecache._LocalEntries()
    for name in "abc":
        local.put(name, {"size": 100})
    assert local.get("a") is None  # dropped: 300 bytes > 250
    assert local.get("b") is not None and local.get("c") is not None
    local.put("huge", {"size": 300})  # larger than the whole copy
    assert local.get("huge") is None


def test_a_page_kept_locally_is_checked_against_the_shared_versions(client, desk):
    url = desk["older"].get_absolute_url()
    warm(client, url)
    # Another app server publishes a change: only the shared versions move.
    pagecache.invalidate([f"a:{desk['older'].pk}"])
    assert state(client, url) == "miss"


# --- Fragments: the article's parts, with the page cache off --------------------


def test_article_parts_are_kept_and_refreshed_like_pages(client, desk, settings):
    settings.PAGE_CACHE = False
    older = desk["older"]
    url = older.get_absolute_url()
    first = html(client, url)
    with CaptureQueriesContext(connection) as queries:
        again = html(client, url)
    assert len(queries) == 0
    assert again == first
    # Anything the parts show, changed, makes them again.
    older.headline = "騰訊再度回購"
    older.save()
    assert "騰訊再度回購" in html(client, url)
    desk["writer"].name = "林主筆"
    desk["writer"].save()
    assert "林主筆" in html(client, url)
    brief = make_article(headline="騰訊新聞稿", kind=Article.Kind.BRIEF)
    brief.companies.add(desk["tencent"])
    workflow.publish(brief, by=desk["editor"])
    assert "騰訊新聞稿" in html(client, url)  # related, and the next brief
    workflow.unpublish(older, by=desk["editor"])
    assert client.get(url).status_code == 404


def test_a_preview_never_fills_or_reads_the_public_parts(client, desk, settings):
    settings.PAGE_CACHE = False
    draft = make_article(headline="未發佈草稿", kind=Article.Kind.BRIEF)
    link = preview.create_link(draft, by=desk["editor"], hours=1)
    assert "未發佈草稿" in html(client, preview.link_path(link))
    assert client.get(f"/articles/{draft.pk}/").status_code == 404
    # The public page of a live article never shows the preview banner.
    older = desk["older"]
    client.force_login(desk["editor"])
    admin_preview = client.get(
        reverse("admin:articles_article_preview", args=[older.pk])
    )
    assert admin_preview.status_code == 200
    client.logout()
    assert "preview-banner" not in html(client, older.get_absolute_url())
