"""Open Graph, Twitter card and JSON-LD NewsArticle on the article page."""

import json
from datetime import datetime, timedelta

import lxml.html
import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone

from articles.models import Article, Correction
from articles.public import seo
from articles.public.templatetags.newsroom_seo import json_ld
from companies.models import Ticker
from tests.factories import make_article, make_author, make_company

pytestmark = pytest.mark.django_db

PUBLISHED = Article.Status.PUBLISHED
META = engines["django"].from_string("{% load newsroom_seo %}{% article_meta %}")


def page_context(article, request):
    return {
        "article": article,
        "authors": article.byline_authors,
        "companies": article.companies.prefetch_related("tickers"),
        "tags": article.tags.all(),
        "corrections": article.corrections.all(),
        "request": request,
    }


def jsonld_for(article, request=None):
    request = request or RequestFactory().get("/")
    context = page_context(article, request)
    return seo.news_article_jsonld(
        article,
        request,
        authors=context["authors"],
        companies=context["companies"],
        corrections=context["corrections"],
    )


def jsonld_in(html):
    (script,) = lxml.html.fromstring(html).xpath(
        '//script[@type="application/ld+json"]'
    )
    return json.loads(script.text)


def meta(html):
    """Each <meta property|name> as a list of its contents."""
    found = {}
    for element in lxml.html.fromstring(html).xpath("//meta[@property or @name]"):
        key = element.get("property") or element.get("name")
        found.setdefault(key, []).append(element.get("content"))
    return found


@pytest.fixture
def article():
    published = timezone.now() - timedelta(days=2)
    article = make_article(
        status=PUBLISHED,
        publish_at=published,
        headline="金融壹賬通季度虧損收窄",
        title_en="OneConnect narrows quarterly loss",
        dek="收入按年下跌，但虧損收窄。",
        authors=[make_author(name="陳大文", slug="chan-tai-man")],
    )
    article.tags.add("金融科技", "業績")
    article.companies.add(
        make_company("6638.HK", "OCFT.US", name="金融壹賬通", name_en="OneConnect"),
        make_company("601318.SH", name="中國平安", name_en="Ping An"),
    )
    Article.objects.filter(pk=article.pk).update(updated_at=published)
    article.refresh_from_db()
    return article


def test_jsonld_describes_the_news_article(article, settings):
    settings.NEWSROOM_NAME = "測試財經"

    data = json.loads(json.dumps(jsonld_for(article)))

    url = "http://testserver" + article.get_absolute_url()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "金融壹賬通季度虧損收窄"
    assert data["alternativeHeadline"] == "OneConnect narrows quarterly loss"
    assert data["description"] == "收入按年下跌，但虧損收窄。"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["inLanguage"] == "zh-Hant-HK"
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "陳大文",
            "url": "http://testserver/authors/chan-tai-man/",
        }
    ]
    assert data["publisher"]["@type"] == "NewsMediaOrganization"
    assert data["publisher"]["name"] == "測試財經"
    assert datetime.fromisoformat(data["datePublished"]) == article.publish_at.replace(
        microsecond=0
    )
    assert data["dateModified"] == data["datePublished"]
    assert sorted(data["keywords"]) == ["業績", "金融科技"]
    assert "image" not in data
    assert "correction" not in data


def test_jsonld_names_each_company_with_every_ticker(article):
    data = jsonld_for(article)

    about = {entry["name"]: entry for entry in data["about"]}
    assert set(about) == {"金融壹賬通", "中國平安"}
    oneconnect = about["金融壹賬通"]
    assert oneconnect["@type"] == "Corporation"
    assert oneconnect["alternateName"] == "OneConnect"
    assert oneconnect["url"].startswith("http://testserver/companies/")
    # schema.org: exchange (ISO 10383 MIC) and symbol separated by a space;
    # US listings are stored without their venue, so carry the symbol alone.
    assert oneconnect["tickerSymbol"] == ["XHKG 6638", "OCFT"]
    assert about["中國平安"]["tickerSymbol"] == "XSHG 601318"
    for ticker in Ticker.objects.all():
        symbols = about[ticker.company.name]["tickerSymbol"]
        assert seo.ticker_symbol(ticker) in (
            symbols if isinstance(symbols, list) else [symbols]
        )


def test_jsonld_date_modified_follows_the_latest_correction(article):
    first = article.publish_at + timedelta(hours=3)
    latest = (article.publish_at + timedelta(hours=20)).replace(microsecond=0)
    Correction.objects.create(
        article=article, corrected_at=latest, wrong="二", right="三"
    )
    Correction.objects.create(
        article=article, corrected_at=first, wrong="一", right="二"
    )

    data = jsonld_for(article)

    assert datetime.fromisoformat(data["dateModified"]) == latest
    assert [c["text"] for c in data["correction"]] == ["一 → 二", "二 → 三"]
    assert data["correction"][1] == {
        "@type": "CorrectionComment",
        "text": "二 → 三",
        "datePublished": seo.iso(latest),
    }


def test_jsonld_description_falls_back_to_the_first_paragraph():
    article = make_article(
        status=PUBLISHED, dek="", body="<p>第一段。</p><p>第二段。</p>"
    )

    assert jsonld_for(article)["description"] == "第一段。"


def test_jsonld_image_is_an_absolute_url(article):
    article.hero_image.name = "articles/2026/11/hero.jpg"

    data = jsonld_for(article)

    assert data["image"] == ["http://testserver/media/articles/2026/11/hero.jpg"]


def test_meta_tags_without_an_image_use_the_summary_card(article):
    request = RequestFactory().get("/")

    found = meta(META.render(page_context(article, request)))

    url = "http://testserver" + article.get_absolute_url()
    assert found["og:type"] == ["article"]
    assert found["og:title"] == ["金融壹賬通季度虧損收窄"]
    assert found["og:description"] == ["收入按年下跌，但虧損收窄。"]
    assert found["og:url"] == [url]
    assert found["og:locale"] == ["zh_HK"]
    assert "og:image" not in found
    assert found["article:published_time"] == [seo.iso(article.publish_at)]
    assert found["article:modified_time"] == [seo.iso(article.publish_at)]
    assert found["article:author"] == ["http://testserver/authors/chan-tai-man/"]
    assert sorted(found["article:tag"]) == ["業績", "金融科技"]
    assert found["twitter:card"] == ["summary"]
    assert found["twitter:title"] == ["金融壹賬通季度虧損收窄"]


def test_meta_tags_with_an_image_use_the_large_image_card(article):
    article.hero_image.name = "articles/2026/11/hero.jpg"
    article.hero_alt = "交易大堂"
    request = RequestFactory().get("/")

    found = meta(META.render(page_context(article, request)))

    image = "http://testserver/media/articles/2026/11/hero.jpg"
    assert found["og:image"] == [image]
    assert found["og:image:alt"] == ["交易大堂"]
    assert found["twitter:card"] == ["summary_large_image"]
    assert found["twitter:image"] == [image]


def test_article_page_carries_the_meta_tags_and_parsable_jsonld(client, article):
    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert meta(html)["og:url"] == ["http://testserver" + article.get_absolute_url()]
    data = jsonld_in(html)
    assert data["headline"] == article.headline
    assert len(data["about"]) == 2


def test_simplified_page_gives_a_simplified_open_graph_locale(client, article):
    response = client.get("/zh-hans" + article.get_absolute_url())

    assert response.status_code == 200
    assert meta(response.content.decode())["og:locale"] == ["zh_CN"]


def test_headline_cannot_break_out_of_the_jsonld_script(client):
    evil = '</script><script>alert(1)</script><!-- "&'
    article = make_article(status=PUBLISHED, headline=evil, dek=evil)

    response = client.get(article.get_absolute_url())

    html = response.content.decode()
    assert "<script>alert(1)" not in html
    scripts = lxml.html.fromstring(html).xpath("//script")
    assert not any("alert(1)" in (s.text or "") for s in scripts if not is_jsonld(s))
    data = jsonld_in(html)
    assert data["headline"] == evil
    assert data["description"] == evil


def test_jsonld_filter_escapes_like_json_script():
    rendered = json_ld({"headline": "</script>&"})

    assert rendered == (
        '<script type="application/ld+json">'
        '{"headline": "\\u003C/script\\u003E\\u0026"}</script>'
    )


def is_jsonld(script):
    return script.get("type") == "application/ld+json"
