"""Filtering the public lists: state in the URL, and bad values never a 500."""

from datetime import datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from articles.models import Article
from articles.public.filters import ArticleFilter
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


def main_of(client, url):
    return page_html(client, url).split("<main")[1]


@pytest.fixture
def newsroom():
    hk = make_company("0853.HK", name="微創醫療")
    us = make_company("OCFT.US", name="壹賬通美股")
    author = make_author(name="陳記者", slug="chan")
    brief = make_live_article(headline="港股簡訊", authors=[author])
    brief.companies.add(hk)
    brief.tags.add("醫療")
    feature = make_live_article(kind=Kind.FEATURE, headline="美股長文")
    feature.companies.add(us)
    feature.tags.add("金融科技")
    draft = make_article(headline="草稿港股", authors=[author])
    draft.companies.add(hk)
    draft.tags.add("醫療")
    return {"hk": hk, "us": us, "author": author, "brief": brief, "feature": feature}


def test_filter_starts_from_live_articles_only(newsroom):
    assert "草稿港股" not in {a.headline for a in ArticleFilter({}).qs}
    assert "草稿港股" not in {a.headline for a in ArticleFilter({"tag": "醫療"}).qs}


def test_filter_by_kind(client, newsroom):
    html = main_of(client, "/articles/?kind=feature")
    assert "美股長文" in html and "港股簡訊" not in html


def test_filter_by_tag_company_and_author(client, newsroom):
    tag = newsroom["brief"].tags.get().slug
    for query in (
        f"tag={tag}",
        f"company={newsroom['hk'].slug}",
        "author=chan",
    ):
        html = main_of(client, f"/articles/?{query}")
        assert "港股簡訊" in html and "美股長文" not in html, query
        assert "草稿港股" not in html


@pytest.mark.parametrize(
    "typed", ["微創醫療", "微创医疗", "0853.HK", "853.hk", " 微創醫療 "]
)
def test_company_filter_takes_a_name_in_either_script_or_a_ticker(
    client, newsroom, typed
):
    html = main_of(client, "/articles/?" + urlencode({"company": typed}))
    assert "港股簡訊" in html and "美股長文" not in html
    assert "There is no such company." not in html


def test_company_filter_refuses_a_sentence_or_an_unknown_name(
    client, newsroom, settings
):
    settings.LANGUAGE_CODE = "en"
    for typed in ("微創醫療和壹賬通美股", "不存在的公司"):
        html = main_of(client, "/articles/?" + urlencode({"company": typed}))
        assert "港股簡訊" not in html and "美股長文" not in html
        assert "There is no such company." in html


def test_filter_by_exchange_gives_each_article_once(client, newsroom):
    second_hk = make_company("6638.HK")
    newsroom["brief"].companies.add(second_hk)
    qs = ArticleFilter({"exchange": "HK"}).qs
    assert [a.headline for a in qs] == ["港股簡訊"]
    html = main_of(client, "/articles/?exchange=HK")
    assert html.count("港股簡訊") == 1 and "美股長文" not in html


def test_filter_by_date_range_in_hong_kong_days(client):
    # 23:30 on 31 March in Hong Kong is still 31 March, though 15:30 UTC.
    make_live_article(
        headline="三月底", publish_at=datetime(2025, 3, 31, 23, 30, tzinfo=HK)
    )
    make_live_article(
        headline="四月初", publish_at=datetime(2025, 4, 1, 0, 30, tzinfo=HK)
    )
    html = main_of(client, "/articles/?date_from=2025-04-01")
    assert "四月初" in html and "三月底" not in html
    html = main_of(client, "/articles/?date_to=2025-03-31")
    assert "三月底" in html and "四月初" not in html


def test_brief_list_filters_keep_their_kind(client, newsroom):
    html = main_of(client, f"/briefs/?company={newsroom['us'].slug}")
    assert "美股長文" not in html
    assert 'name="kind"' not in html


@pytest.mark.parametrize(
    "query, message",
    [
        ("tag=no-such-tag", "There is no such tag."),
        ("company=no-such-company", "There is no such company."),
        ("author=nobody", "There is no such author."),
    ],
)
def test_unknown_slug_gives_an_empty_list_and_a_message(
    client, newsroom, settings, query, message
):
    settings.LANGUAGE_CODE = "en"
    html = main_of(client, f"/articles/?{query}")
    assert message in html
    assert "港股簡訊" not in html and "美股長文" not in html


def test_unknown_tag_message_is_in_chinese_by_default(client, newsroom):
    html = main_of(client, "/articles/?tag=no-such-tag")
    assert 'class="notice"' in html


@pytest.mark.parametrize("value", ["2025-13-45", "yesterday", "2025/99/01"])
def test_malformed_date_shows_the_form_error_not_a_500(client, newsroom, value):
    html = main_of(client, f"/articles/?date_from={value}")
    assert 'class="field-error"' in html
    assert "港股簡訊" in html  # the bad filter is skipped, the list stays


def test_unknown_kind_or_exchange_is_a_form_error(client, newsroom):
    for query in ("kind=poem", "exchange=XX"):
        html = main_of(client, f"/articles/?{query}")
        assert 'class="field-error"' in html, query


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999999", "1.5", ""])
def test_bad_page_numbers_never_500(client, newsroom, page):
    for path in ("/articles/", "/briefs/", "/features/", "/corrections/"):
        assert client.get(f"{path}?page={page}").status_code == 200


def test_page_too_far_gives_the_last_page(client):
    for n in range(25):
        make_live_article(
            headline=f"第{n:02d}則", publish_at=timezone.now() - timedelta(hours=n + 1)
        )
    html = main_of(client, "/articles/?page=999999")
    assert "第24則" in html and "第00則" not in html
    html = main_of(client, "/articles/?page=abc")
    assert "第00則" in html


def test_pagination_links_keep_the_filter(client):
    company = make_company(slug="busy")
    for _ in range(25):
        make_live_article().companies.add(company)
    make_live_article(headline="別家公司")
    html = main_of(client, "/articles/?company=busy")
    assert 'href="?company=busy&amp;page=2"' in html
    second = main_of(client, "/articles/?company=busy&page=2")
    assert "別家公司" not in second
    assert 'href="?company=busy&amp;page=1"' in second


def test_filter_state_is_shown_in_the_form(client, newsroom):
    html = main_of(client, "/articles/?author=chan&exchange=HK")
    assert 'value="chan"' in html
    assert '<option value="HK" selected>' in html
