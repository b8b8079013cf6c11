"""The charts in a browser, under the site's Content-Security-Policy: the
desk's (publishing, subscribers, the last send) and a company page's
coverage by month, in the light and the dark colour scheme. Screenshots go
to var/screenshots/ (desk-charts*.png, company-coverage*.png)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from newsletter import composing, sending
from newsletter.models import Subscriber, SubscriptionEvent, current_week
from tests.factories import make_article, make_company, make_editor

from .pages import SCREENSHOTS

pytestmark = pytest.mark.browser


def some_history():
    now = timezone.now()
    company = make_company("2202.HK", name="萬科企業", name_en="Vanke")
    for days_ago in (1, 2, 2, 5, 9, 9, 9, 14, 27, 70, 71, 160):
        article = make_article(
            kind="feature" if days_ago % 3 == 0 else "brief",
            headline=f"萬科 {days_ago} 日前",
            status=Article.Status.PUBLISHED,
            publish_at=now - timedelta(days=days_ago, hours=2),
        )
        article.companies.add(company)
    for n in range(24):
        reader = Subscriber.objects.create(
            email=f"reader{n}@example.com", status=Subscriber.Status.ACTIVE
        )
        SubscriptionEvent.objects.create(
            subscriber=reader,
            kind="confirmed",
            method="confirm_link",
            at=now - timedelta(days=n * 3),
        )
        if n % 7 == 0:
            SubscriptionEvent.objects.create(
                subscriber=reader,
                kind="unsubscribed",
                method="link",
                at=now - timedelta(days=n * 2),
            )
    issue = composing.create_issue(current_week(now - timedelta(days=7)))
    composing.mark_ready(issue)
    sending.send_issue(issue, batch_size=10)
    return company


def test_the_desk_and_a_company_page_show_their_charts(contexts):
    company = some_history()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = contexts.new(make_editor()).new_page()
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        suffix = "" if scheme == "light" else "-dark"
        page.goto("/admin/")
        for chart in ("chart-published", "chart-subscribers", "chart-last-send"):
            assert page.locator(f"#{chart} svg").is_visible(), chart
        page.locator("#desk-publishing").screenshot(
            path=SCREENSHOTS / f"desk-charts{suffix}.png"
        )
        page.goto(company.get_absolute_url())
        assert page.locator("#chart-coverage svg").is_visible()
        page.locator(".timeline").screenshot(
            path=SCREENSHOTS / f"company-coverage{suffix}.png"
        )
    page.emulate_media(color_scheme="light")
    page.goto("/admin/")
    page.screenshot(path=SCREENSHOTS / "desk-with-charts.png", full_page=True)
    assert not contexts.errors, contexts.errors
