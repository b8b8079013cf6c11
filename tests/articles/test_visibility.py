"""What readers may see: Article.objects.live() and the public pages built on it."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article
from tests.factories import make_article, make_author, make_company, make_editor

pytestmark = pytest.mark.django_db
Status = Article.Status


def public_pages(article, author, company):
    return [
        reverse("articles:home"),
        reverse("articles:detail", kwargs={"pk": article.pk}),
        reverse("articles:author", kwargs={"slug": author.slug}),
        reverse("companies:detail", kwargs={"slug": company.slug}),
    ]


def test_scheduled_article_is_invisible_before_publish_at_and_visible_after(client):
    editor = make_editor()
    author, company = make_author(), make_company("6638.HK")
    article = make_article(headline="排程中的獨家", authors=[author])
    article.companies.add(company)
    at = timezone.now() + timedelta(hours=2)
    workflow.publish(article, by=editor, at=at)

    assert article.is_scheduled
    assert article not in Article.objects.live()
    assert article in Article.objects.scheduled()
    for url in public_pages(article, author, company):
        response = client.get(url)
        assert "排程中的獨家" not in response.content.decode(), url
    assert client.get(article.get_absolute_url()).status_code == 404

    # No worker, no cron: when the time comes, it is simply live.
    later = at + timedelta(seconds=1)
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=later):
        assert article in Article.objects.live()
        for url in public_pages(article, author, company):
            assert "排程中的獨家" in client.get(url).content.decode(), url


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.UNPUBLISHED])
def test_unpublished_states_never_appear_publicly(client, status):
    author, company = make_author(), make_company("OCFT.US")
    article = make_article(status=status, headline="不應見報", authors=[author])
    article.companies.add(company)
    assert article not in Article.objects.live()
    for url in public_pages(article, author, company):
        response = client.get(url)
        assert "不應見報" not in response.content.decode(), url


def test_published_article_needs_a_publish_time():
    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status=Status.PUBLISHED)


def test_old_or_missing_slug_redirects_permanently_to_current_url(client):
    article = make_article(status=Status.PUBLISHED, title_en="Vanke bond talks")
    assert article.get_absolute_url() == f"/articles/{article.pk}/vanke-bond-talks/"
    for wrong in (f"/articles/{article.pk}/", f"/articles/{article.pk}/old-slug/"):
        response = client.get(wrong)
        assert response.status_code == 301
        assert response["Location"] == article.get_absolute_url()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_article_page_shows_byline_key_points_and_sanitised_body(client):
    author = make_author(name="陳大文")
    article = make_article(
        status=Status.PUBLISHED,
        authors=[author],
        key_points=["收入按年增長", "毛利率改善"],
        body='<p onclick="x()">正文</p><script>alert(1)</script>',
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "陳大文" in html
    assert "收入按年增長" in html
    assert "<p>正文</p>" in html
    assert "alert(1)" not in html
