"""The desk sees following: company admin, the dashboard's two lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsletter.models import AlertDelivery
from tests.factories import make_company, make_live_article
from tests.newsletter.following_helpers import follow, make_subscriber

pytestmark = pytest.mark.django_db


def followers(company, count):
    for _ in range(count):
        follow(make_subscriber(), company=company)


def test_company_admin_shows_followers_in_list_and_form(admin_client):
    company = make_company(name="騰訊控股")
    followers(company, 3)
    listing = admin_client.get("/admin/companies/company/").content.decode()
    assert "騰訊控股" in listing
    page = admin_client.get(f"/admin/companies/company/{company.pk}/change/")
    html = page.content.decode()
    assert f"follows__company__id__exact={company.pk}" in html
    who = admin_client.get(
        f"/admin/newsletter/subscriber/?follows__company__id__exact={company.pk}"
    )
    assert who.status_code == 200
    assert who.content.decode().count("reader") >= 3


def _dashboard(client, companies, alerts):
    for n, company in enumerate(companies):
        followers(company, n + 1)
    article = make_live_article(headline="騰訊業績公布")
    for _ in range(alerts):
        AlertDelivery.objects.create(
            subscriber=make_subscriber(),
            article=article,
            kind="immediate",
            status="sent",
            sent_at=timezone.now(),
        )
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/admin/").content.decode()
    return html, len(queries)


def test_dashboard_lists_most_followed_and_alerts_today_in_bounded_queries(
    admin_client,
):
    few_html, few = _dashboard(admin_client, [make_company(name="小公司")], 1)
    assert "小公司" in few_html and "騰訊業績公布" in few_html
    many_html, many = _dashboard(
        admin_client, [make_company(name=f"公司{n}") for n in range(6)], 8
    )
    assert "公司5" in many_html
    assert few == many
