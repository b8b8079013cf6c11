"""Charts drawn on the server: the desk's and a company page's, with their
figures as tables, empty periods shown, and a fixed number of queries."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from articles.desk import desk_charts
from articles.models import Article
from companies.views import coverage_timeline
from newsletter import desk_charts as newsletter_charts
from newsletter.models import Subscriber, SubscriptionEvent
from newsroom import charts
from tests.factories import make_article, make_company, make_editor

pytestmark = pytest.mark.django_db

HK = ZoneInfo("Asia/Hong_Kong")
NOW = datetime(2026, 12, 6, 15, 0, tzinfo=HK)


def publish(count, *, days_ago, kind="brief", company=None):
    for _ in range(count):
        article = make_article(
            kind=kind,
            status=Article.Status.PUBLISHED,
            publish_at=NOW - timedelta(days=days_ago, hours=1),
        )
        if company:
            article.companies.add(company)


def test_a_chart_is_an_accessible_svg_with_its_figures_as_a_table():
    chart = charts.Chart(
        id="c",
        title="Title <b>",
        description="What it shows",
        columns=["a", "b"],
        series=[charts.Series("x", "X"), charts.Series("y", "Y")],
        values={"x": [1, 0], "y": [2, 5]},
    )
    html = charts.figure(chart, column_heading="Day")
    assert 'role="img" aria-labelledby="c-title c-desc"' in html
    assert '<title id="c-title">Title &lt;b&gt;</title>' in html
    assert "style=" not in html and "<script" not in html
    assert '<th scope="row">b</th><td>0</td><td>5</td>' in html
    assert html.count('<rect class="nr-series-') == 3  # no bar for a zero


def test_published_per_day_counts_briefs_and_features_per_hong_kong_day():
    publish(2, days_ago=0)
    publish(1, days_ago=0, kind="feature")
    publish(1, days_ago=29)
    publish(1, days_ago=30)  # outside the 30 days
    make_article(status=Article.Status.DRAFT)
    chart = desk_charts.published_per_day(now=NOW)
    assert len(chart.columns) == 30 and chart.columns[-1] == "12/6"
    assert chart.values["brief"][-1] == 2 and chart.values["feature"][-1] == 1
    assert chart.values["brief"][0] == 1
    assert sum(chart.values["brief"][1:-1]) == 0  # empty days are zeros


@pytest.mark.parametrize("volume", [1, 40])
def test_each_chart_runs_a_fixed_number_of_queries(volume, django_assert_num_queries):
    company = make_company("0005.HK", name="滙豐控股")
    for days_ago in range(0, 200, 200 // volume or 1):
        publish(1, days_ago=days_ago, company=company)
    for n in range(volume):
        reader = Subscriber.objects.create(email=f"r{n}@example.com")
        SubscriptionEvent.objects.create(
            subscriber=reader, kind="confirmed", method="confirm_link", at=NOW
        )
    with django_assert_num_queries(1):
        desk_charts.published_per_day(now=NOW)
    with django_assert_num_queries(1):
        newsletter_charts.subscribers_per_week(now=NOW)
    with django_assert_num_queries(1):
        coverage_timeline(company, now=NOW)
    with django_assert_num_queries(1):
        assert newsletter_charts.last_send() is None


def test_coverage_by_month_shows_the_empty_months():
    company = make_company("0388.HK", name="香港交易所")
    publish(2, days_ago=180, company=company)  # June 2026
    publish(1, days_ago=40, company=company)  # October 2026
    with translation.override("en"):
        chart = coverage_timeline(company, now=NOW)
    assert chart.columns == [f"2026年{m}月" for m in range(6, 13)]
    assert chart.values["articles"] == [2, 0, 0, 0, 1, 0, 0]
    assert "5 of them without any" in chart.description


def test_the_desk_shows_the_charts_to_an_editor(client):
    client.force_login(make_editor())
    publish(1, days_ago=0)
    html = client.get("/admin/").content.decode()
    assert 'id="chart-published"' in html
    assert 'id="chart-subscribers"' in html
    assert "The figures as a table" in html or "<details" in html


def test_coverage_months_are_hong_kong_months_of_live_articles_only():
    """The months a company page counts (plain SQL on PostgreSQL, the ORM's
    TruncMonth on SQLite), written out: Hong Kong months, live articles of
    this company only."""
    from companies.views import monthly_coverage

    company, other = make_company("0941.HK"), make_company("0883.HK")
    utc = ZoneInfo("UTC")
    times = [
        datetime(2026, 3, 31, 15, 59, tzinfo=utc),  # 23:59 on 31 March in Hong Kong
        datetime(2026, 3, 31, 16, 0, tzinfo=utc),  # midnight on 1 April there
        datetime(2026, 4, 30, 16, 30, tzinfo=utc),  # 1 May there
        datetime(2025, 12, 31, 20, 0, tzinfo=utc),  # 1 January 2026 there
        datetime(2026, 11, 2, 1, 0, tzinfo=utc),
    ]
    for when in times:
        make_article(status=Article.Status.PUBLISHED, publish_at=when).companies.add(
            company
        )
    scheduled = make_article(
        status=Article.Status.PUBLISHED, publish_at=datetime(2099, 1, 1, tzinfo=utc)
    )
    draft = make_article(status=Article.Status.DRAFT, publish_at=times[0])
    elsewhere = make_article(status=Article.Status.PUBLISHED, publish_at=times[0])
    scheduled.companies.add(company)
    draft.companies.add(company)
    elsewhere.companies.add(other)
    assert monthly_coverage(company) == {  # keyed by a month's first day
        date(2026, 1, 1): 1,
        date(2026, 3, 1): 1,
        date(2026, 4, 1): 1,
        date(2026, 5, 1): 1,
        date(2026, 11, 1): 1,
    }
