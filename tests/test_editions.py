"""The Traditional and Simplified editions of the public site (newsroom/editions.py)."""

import re
from html import escape
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from articles.models import Article
from newsroom import chinese, editions
from tests.factories import make_article, make_author, make_company

PUBLISHED = Article.Status.PUBLISHED


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def article(db):
    author = make_author(name="陳大文", slug="chan-tai-man")
    return make_article(
        status=PUBLISHED,
        headline="萬科與壹賬通發行綠能債券",
        title_en="Vanke and OneConnect issue green bonds",
        body=(
            "<p>萬科在這裏公布業績。Vanke said profits rose.</p>"
            '<p><a href="/tags/萬科/">萬科</a></p>'
        ),
        authors=[author],
    )


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def hrefs(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]*)"', html)


def test_simplified_article_page_is_converted(client, article):
    url = article.get_absolute_url()
    traditional = html_of(client.get(url))
    simplified = html_of(client.get("/zh-hans" + url))
    assert "萬科與壹賬通發行綠能債券" in traditional
    assert "万科与壹账通发行绿能债券" in simplified
    assert "万科在这里公布业绩。" in simplified
    # Left Traditional: URLs, <script> (JSON-LD included) and the switch's label.
    readable = re.sub(r'(?:href|src)="[^"]*"', "", simplified)
    readable = re.sub(r"<script.*?</script>", "", readable, flags=re.S)
    assert "萬" not in readable
    assert "繁體" in readable
    # English is unchanged.
    assert "Vanke and OneConnect issue green bonds" in simplified
    assert "Vanke said profits rose." in simplified
    assert '<html lang="zh-Hans">' in simplified


def test_simplified_links_stay_in_the_simplified_edition(client, article):
    url = article.get_absolute_url()
    simplified = html_of(client.get("/zh-hans" + url))
    author_url = reverse("articles:author", kwargs={"slug": "chan-tai-man"})
    assert f'href="/zh-hans{author_url}"' in simplified
    assert 'href="/zh-hans/"' in simplified


def test_urls_are_never_converted(client, article):
    url = article.get_absolute_url()
    simplified = html_of(client.get("/zh-hans" + url))
    # The body's link to a Chinese tag path keeps its Traditional characters.
    assert 'href="/tags/萬科/"' in simplified
    # Apart from the /zh-hans prefix reverse() adds, every URL is the same.
    traditional = html_of(client.get(url))

    def unprefixed(html):
        return [h.replace("/zh-hans/", "/") for h in hrefs(html)]

    assert sorted(set(unprefixed(simplified))) == sorted(set(unprefixed(traditional)))


def test_simplified_home_company_and_author_pages(client, article):
    company = make_company("2202.HK", name="萬科企業", slug="vanke")
    article.companies.add(company)
    for path, simplified_text in [
        ("/", "万科与壹账通发行绿能债券"),
        (company.get_absolute_url(), "万科企业"),
        (reverse("articles:author", kwargs={"slug": "chan-tai-man"}), "陈大文"),
    ]:
        assert simplified_text not in html_of(client.get(path))
        html = html_of(client.get("/zh-hans" + path))
        assert simplified_text in html, path


@pytest.mark.parametrize("cookie", ["zh-hans", "en"])
def test_root_is_always_traditional_whatever_cookie_or_browser(client, article, cookie):
    client.cookies["django_language"] = cookie
    url = article.get_absolute_url()
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    html = html_of(response)
    assert "萬科與壹賬通發行綠能債券" in html
    assert response["Content-Language"] == "zh-hant"
    assert '<html lang="zh-Hant">' in html
    for header in ("Cookie", "Accept-Language"):
        assert header not in response.get("Vary", "")


def test_simplified_edition_ignores_cookie_and_sends_no_language_vary(client, article):
    client.cookies["django_language"] = "en"
    response = client.get("/zh-hans/", HTTP_ACCEPT_LANGUAGE="en")
    assert "万科与壹账通发行绿能债券" in html_of(response)
    assert response["Content-Language"] == "zh-hans"
    assert "Accept-Language" not in response.get("Vary", "")


def test_switch_links_to_the_same_page_in_the_other_script(client, article):
    url = article.get_absolute_url()
    traditional = html_of(client.get(url + "?page=2&q=萬"))
    assert f'href="/zh-hans{url}?page=2&amp;q=%E8%90%AC"' in traditional
    simplified = html_of(client.get("/zh-hans" + url + "?page=2&q=萬"))
    assert f'href="{url}?page=2&amp;q=%E8%90%AC"' in simplified
    # The switch's own labels are not converted: 繁體 stays Traditional.
    switch = re.search(r'<p class="script-switch".*?</p>', simplified, re.S).group()
    assert ">繁體</a>" in switch and 'lang="zh-Hant"' in switch
    assert "简体" in switch


def test_hreflang_pairs_use_absolute_urls(client, article):
    url = article.get_absolute_url()
    for page in (url, "/zh-hans" + url):
        html = html_of(client.get(page))
        assert (
            f'<link rel="alternate" hreflang="zh-Hant-HK" href="http://testserver{url}">'
        ) in html
        assert (
            f'<link rel="alternate" hreflang="zh-Hans" '
            f'href="http://testserver/zh-hans{url}">'
        ) in html
        assert (
            f'<link rel="alternate" hreflang="x-default" href="http://testserver{url}">'
        ) in html


def test_second_view_of_a_simplified_page_does_not_call_opencc(client, article):
    url = "/zh-hans" + article.get_absolute_url()
    with mock.patch.object(
        editions, "to_simplified", wraps=chinese.to_simplified
    ) as spy:
        first = html_of(client.get(url))
        assert spy.call_count == 1
        second = html_of(client.get(url))
        assert spy.call_count == 1
    assert first == second


def test_repeat_views_reuse_the_whole_converted_page(client, article):
    url = "/zh-hans" + article.get_absolute_url()
    first = html_of(client.get(url))
    with mock.patch.object(editions, "convert_markup") as convert_markup:
        assert html_of(client.get(url)) == first
    convert_markup.assert_not_called()


def test_pages_per_person_are_not_kept_whole_but_their_text_is():
    from django.http import HttpResponse

    def response(token):
        page = HttpResponse(f'<p>萬科</p><input name="csrf" value="{token}">')
        page["Vary"] = "Cookie"
        return page

    with mock.patch.object(
        editions, "to_simplified", wraps=chinese.to_simplified
    ) as spy:
        for token in ("a", "b"):
            page = response(token)
            editions.convert_response(page)
            assert page.content.decode() == (
                f'<p>万科</p><input name="csrf" value="{token}">'
            )
    assert spy.call_count == 1
    assert not [key for key in cache._cache if ":page:" in key]


def test_unknown_simplified_path_is_a_404(client, db):
    assert client.get("/zh-hans/unknown/").status_code == 404
    assert client.get("/zh-hant/").status_code == 404
    assert client.get("/en/").status_code == 404


def test_admin_follows_the_cookie_not_the_edition(client, db):
    client.cookies["django_language"] = "en"
    response = client.get("/admin/login/")
    assert response["Content-Language"] == "en"
    assert "Cookie" in response["Vary"]
    assert client.get("/zh-hans/admin/login/").status_code == 404


def test_reverse_gives_simplified_urls_only_in_the_simplified_edition(db):
    with translation.override("zh-hans"):
        assert reverse("articles:home") == "/zh-hans/"
    # An editor's English admin links to the Traditional public pages.
    for language in ("en", "zh-hant"):
        with translation.override(language):
            assert reverse("articles:home") == "/"


# --- The converter on its own --------------------------------------------------


def test_scripts_and_styles_are_untouched():
    markup = (
        '<script type="application/ld+json">{"headline": "萬科"}</script>'
        "<style>.x::after{content:'萬科'}</style><SCRIPT>var s='裏';</SCRIPT>"
        "<p>萬科</p>"
    )
    assert editions.convert_markup(markup) == (
        '<script type="application/ld+json">{"headline": "萬科"}</script>'
        "<style>.x::after{content:'萬科'}</style><SCRIPT>var s='裏';</SCRIPT>"
        "<p>万科</p>"
    )


def test_readable_attributes_convert_and_urls_do_not():
    markup = (
        '<meta name="description" content="綠能萬科">'
        '<meta property="og:url" content="https://example.com/萬科/">'
        '<meta property="og:title" content="萬科">'
        '<img src="/media/萬科.jpg" srcset="/media/萬科-2x.jpg 2x" alt="萬科總部">'
        '<a href="/tags/萬科/" title="萬科" aria-label="萬科">萬科</a>'
        '<form action="/搜尋/"><input value="萬科" placeholder="搜尋"></form>'
        "<!-- 萬科 -->"
    )
    assert editions.convert_markup(markup) == (
        '<meta name="description" content="绿能万科">'
        '<meta property="og:url" content="https://example.com/萬科/">'
        '<meta property="og:title" content="万科">'
        '<img src="/media/萬科.jpg" srcset="/media/萬科-2x.jpg 2x" alt="万科总部">'
        '<a href="/tags/萬科/" title="万科" aria-label="万科">万科</a>'
        '<form action="/搜尋/"><input value="萬科" placeholder="搜寻"></form>'
        "<!-- 萬科 -->"
    )


def test_hong_kong_traditional_converts_correctly():
    assert (
        chinese.to_simplified("壹賬通 萬科 裏面 綠能 衞生")
        == "壹账通 万科 里面 绿能 卫生"
    )


def test_lang_attributes_follow_the_conversion_except_where_kept():
    markup = (
        '<article lang="zh-Hant">萬科</article>'
        '<span translate="no" lang="zh-Hant"><b>繁體</b></span><i>繁體</i>'
    )
    assert editions.convert_markup(markup) == (
        '<article lang="zh-Hans">万科</article>'
        '<span translate="no" lang="zh-Hant"><b>繁體</b></span><i>繁体</i>'
    )


def test_feed_urls_held_as_text_are_not_converted():
    feed = (
        "<rss><channel><title>萬科</title><link>https://example.com/萬科/</link>"
        "<item><guid>https://example.com/萬/</guid>"
        "<description>&lt;p&gt;萬科&lt;/p&gt;</description></item></channel></rss>"
    )
    assert editions.convert_markup(feed, feed=True) == (
        "<rss><channel><title>万科</title><link>https://example.com/萬科/</link>"
        "<item><guid>https://example.com/萬/</guid>"
        "<description>&lt;p&gt;万科&lt;/p&gt;</description></item></channel></rss>"
    )


def test_nul_and_separator_characters_survive():
    assert (
        editions.convert_markup("<p>萬\x00科\ue000裏</p>") == "<p>万\x00科\ue000里</p>"
    )


@given(st.text())
def test_any_text_converts_without_touching_the_url(text):
    tail = '<a href="/x?q=萬">'
    converted = editions.convert_markup("<p>" + escape(text) + "</p>" + tail)
    assert converted.startswith("<p>")
    assert converted.endswith("</p>" + tail)


@given(st.text())
def test_any_markup_converts_without_raising(text):
    editions.convert_markup(text)
    editions.convert_markup(text, feed=True)


@pytest.mark.parametrize(
    ("path", "traditional", "simplified"),
    [
        ("/", "/", "/zh-hans/"),
        ("/zh-hans/", "/", "/zh-hans/"),
        ("/zh-hans", "/", "/zh-hans"),
        ("/articles/1/x/", "/articles/1/x/", "/zh-hans/articles/1/x/"),
        ("/zh-hans/articles/1/x/", "/articles/1/x/", "/zh-hans/articles/1/x/"),
        ("/zh-hansel/", "/zh-hansel/", "/zh-hans/zh-hansel/"),
    ],
)
def test_edition_paths(path, traditional, simplified):
    assert editions.traditional_path(path) == traditional
    assert editions.simplified_path(path) == simplified


def test_switch_on_a_chinese_path_is_percent_encoded(client, db):
    response = client.get("/zh-hans/tags/萬科/")
    assert response.status_code == 404
    html = response.content.decode()
    # The 404 page has the site's layout, switch included.
    assert 'href="/tags/%E8%90%AC%E7%A7%91/"' in html


def test_simplified_feeds_are_converted_and_sitemaps_stay_at_the_root(client, article):
    traditional = client.get(reverse("feed-latest-rss"))
    assert traditional.status_code == 200
    with translation.override("zh-hans"):
        rss, atom = reverse("feed-latest-rss"), reverse("feed-latest-atom")
    assert rss.startswith("/zh-hans/")
    for url in (rss, atom):
        feed = client.get(url).content.decode()
        assert "万科与壹账通发行绿能债券" in feed
        assert "萬科與壹賬通" not in feed
    assert client.get("/sitemap.xml").status_code == 200
    assert client.get("/zh-hans/sitemap.xml").status_code == 404
    assert client.get("/zh-hans/robots.txt").status_code == 404
