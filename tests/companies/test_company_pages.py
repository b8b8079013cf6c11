"""Company pages, the company index and the ticker redirect."""

import re

import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article, make_company

pytestmark = pytest.mark.django_db


@pytest.fixture
def microport():
    return make_company("0853.HK", name="微創醫療", name_en="MicroPort")


@pytest.mark.parametrize(
    "path",
    [
        "/tickers/0853.HK/",
        "/tickers/853.HK/",
        "/tickers/853.hk/",
        "/tickers/00853.hkex/",
    ],
)
def test_ticker_redirects_permanently_to_its_company(client, microport, path):
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == microport.get_absolute_url()


def test_lower_case_ticker_redirects(client):
    company = make_company("6638.HK")
    response = client.get("/tickers/6638.hk/")
    assert response.status_code == 301
    assert response["Location"] == company.get_absolute_url()


@pytest.mark.parametrize(
    "path", ["/tickers/9999.HK/", "/tickers/abc/", "/tickers/0.HK/"]
)
def test_unknown_or_invalid_ticker_is_404(client, microport, path):
    assert client.get(path).status_code == 404


def test_company_page_shows_tickers_and_only_live_coverage(client, microport):
    make_article(status=Article.Status.PUBLISHED, headline="微創業績").companies.add(
        microport
    )
    make_article(headline="微創草稿").companies.add(microport)
    html = client.get(microport.get_absolute_url()).content.decode()
    assert "0853.HK" in html and "MicroPort" in html
    assert "微創業績" in html and "微創草稿" not in html


def test_company_page_lists_every_ticker_in_order_and_its_feeds(client):
    company = make_company("OCFT.US", "1797.HK", "0700.HK", name="三地上市")
    html = client.get(company.get_absolute_url()).content.decode()
    chips = re.findall(r'<span class="chip">([^<]+)</span>', html)
    assert chips == [str(t) for t in company.tickers.all()]  # the model's order
    assert len(chips) == 3
    for feed in ("feed-company-rss", "feed-company-atom"):
        assert f'href="{reverse(feed, kwargs={"slug": company.slug})}"' in html
    unlisted = make_company(name="未上市")
    html = client.get(unlisted.get_absolute_url()).content.decode()
    assert re.findall(r'<span class="chip">', html) == []
    assert unlisted.name in html


def test_company_coverage_is_paginated(client, microport):
    for _ in range(21):
        make_article(status=Article.Status.PUBLISHED).companies.add(microport)
    html = client.get(microport.get_absolute_url()).content.decode()
    assert html.count('class="card ') == 20
    html = client.get(microport.get_absolute_url() + "?page=2").content.decode()
    assert html.count('class="card ') == 1
    assert client.get(microport.get_absolute_url() + "?page=x").status_code == 200


@pytest.mark.usefixtures("no_page_cache")
def test_company_pages_count_from_the_months_live_only(
    client, microport, django_assert_num_queries
):
    """The page's length comes from the chart's monthly counts: one query for
    both, and drafts, scheduled articles and other companies' count for
    neither."""
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    for n in range(40):  # two full pages, over about thirteen months
        article = make_article(
            status=Article.Status.PUBLISHED, publish_at=now - timedelta(days=10 * n)
        )
        article.companies.add(microport)
    make_article(headline="草稿").companies.add(microport)
    make_article(
        status=Article.Status.PUBLISHED, publish_at=now + timedelta(days=1)
    ).companies.add(microport)
    make_article(status=Article.Status.PUBLISHED).companies.add(make_company())
    url = microport.get_absolute_url()
    # The company with its tickers, its months, the page's rows, their
    # bylines and their companies.
    with django_assert_num_queries(5):
        html = client.get(url).content.decode()
    # Counting the draft, the scheduled article or the other company's would
    # make a third page.
    assert "第 1 頁，共 2 頁" in html and html.count('class="card ') == 20
    last = client.get(url + "?page=3").content.decode()
    assert "第 2 頁，共 2 頁" in last and last.count('class="card ') == 20


def test_the_company_row_is_the_orms_instance_with_its_tickers_in_order():
    from django.http import Http404

    from companies.models import Company
    from companies.views import _company_with_listings

    company = make_company(
        "OCFT.US", "6638.HK", name="金融壹賬通", name_en="OneConnect",
        description="一行\n兩行", website="https://example.com/",
    )  # fmt: skip
    read, orm = _company_with_listings(company.slug), Company.objects.get(pk=company.pk)
    for field in Company._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(orm, field.attname), field.name
    assert not read._state.adding and read._state.db == orm._state.db
    assert [str(t) for t in read.listings] == [str(t) for t in orm.tickers.all()]
    assert _company_with_listings(make_company(name="未上市").slug).listings == ()
    with pytest.raises(Http404):
        _company_with_listings("no-such-company")


def test_company_index_lists_companies_with_tickers(client, microport):
    make_company("OCFT.US", name="金融壹賬通", name_en="OneConnect")
    html = client.get("/companies/").content.decode()
    assert html.index("MicroPort") < html.index("OneConnect")
    assert "0853.HK" in html and "OCFT.US" in html


def test_unknown_company_is_404(client):
    assert client.get("/companies/no-such-company/").status_code == 404


def test_company_page_shows_coverage_by_month_live_only(client):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from articles.models import Article
    from tests.factories import make_article, make_company

    hk = ZoneInfo("Asia/Hong_Kong")
    company = make_company("2202.HK", name="萬科企業", name_en="Vanke")
    published = [
        datetime(2026, 9, 15, 9, 30, tzinfo=hk),
        # October in Hong Kong, still September in UTC: months are HK months.
        datetime(2026, 10, 1, 0, 30, tzinfo=hk),
        datetime(2026, 10, 20, 14, 0, tzinfo=hk),
    ]
    for when in published:
        article = make_article(status=Article.Status.PUBLISHED, publish_at=when)
        article.companies.add(company)
    make_article(headline="草稿不算").companies.add(company)

    html = client.get(company.get_absolute_url()).content.decode()
    timeline = html.split('id="chart-coverage"')[1].split("</figure>")[0]
    assert '<svg class="nr-chart-svg"' in timeline and "<script" not in timeline
    # Oldest first, in the table beside the chart: Hong Kong months.
    assert timeline.index("2026年9月") < timeline.index("2026年10月")
    assert '<th scope="row">2026年9月</th><td>1</td>' in timeline
    assert '<th scope="row">2026年10月</th><td>2</td>' in timeline
    assert f'href="/feeds/companies/{company.slug}/rss/"' in html
