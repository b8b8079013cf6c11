"""What an article card shows besides the article's own columns: the byline
and the companies with their tickers, read as plain rows (``with_cards``)."""

import itertools

import pytest

from articles.models import Article
from tests.factories import make_author, make_company, make_live_article

pytestmark = pytest.mark.django_db

_codes = itertools.count(8001)


def _company():
    return make_company(f"{next(_codes)}.HK")


def _article_with(authors, companies):
    article = make_live_article(authors=authors)
    article.companies.add(*companies)
    return article


def test_a_card_has_the_byline_in_order_and_companies_by_name_with_tickers():
    first, second = make_author(name="周慧琳"), make_author(name="陳大文")
    later = make_company("0700.HK", "TCEHY.US", name="騰訊控股", slug="tencent")
    earlier = make_company("601012.SH", name="隆基綠能", slug="longi")
    article = _article_with([second, first], [later, earlier])

    (card,) = Article.objects.filter(pk=article.pk).with_cards()

    assert [(a.name, a.url) for a in card.card_byline] == [
        ("陳大文", second.get_absolute_url()),
        ("周慧琳", first.get_absolute_url()),
    ]
    by_name = sorted([later, earlier], key=lambda c: c.name)
    assert [c.name for c in card.card_companies] == [c.name for c in by_name]
    tencent = next(c for c in card.card_companies if c.name == "騰訊控股")
    assert tencent.url == later.get_absolute_url()
    assert list(tencent.tickers) == [str(t) for t in later.tickers.all()]
    assert set(tencent.tickers) == {"0700.HK", "TCEHY.US"}


def test_an_article_without_byline_or_companies_has_empty_ones():
    (card,) = Article.objects.filter(pk=make_live_article().pk).with_cards()
    assert card.card_byline == [] and card.card_companies == []


@pytest.mark.parametrize("n", [1, 12])
def test_cards_cost_the_same_queries_for_any_number_of_articles(
    n, django_assert_num_queries
):
    author, company = make_author(), make_company("6638.HK")
    for _ in range(n):
        _article_with([author, make_author()], [company, _company()])
    # The articles, their bylines, their companies with the companies' tickers.
    with django_assert_num_queries(3):
        cards = list(Article.objects.live().with_cards())
    assert len(cards) == n
    assert all(len(c.card_byline) == 2 and len(c.card_companies) == 2 for c in cards)


def test_cards_work_through_slices_and_count_as_pagination_uses_them():
    for _ in range(3):
        _article_with([make_author()], [_company()])
    cards = Article.objects.live().with_cards()
    assert cards.count() == 3
    assert all(hasattr(card, "card_byline") for card in cards[1:3])


@pytest.mark.parametrize("kind", ["brief", "feature"])
def test_every_list_page_shows_a_cards_byline_and_tickers(client, kind):
    """Each page that lists full cards reads them with ``with_cards``: a view
    that forgot it would show cards without byline or tickers, silently."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from django.urls import reverse
    from django.utils import timezone

    from articles.search import index_article

    author = make_author(name="周慧琳")
    company = make_company("0700.HK", name="騰訊控股", slug="tencent")
    article = make_live_article(
        kind=kind,
        headline="騰訊季度業績勝預期",
        authors=[author],
        publish_at=timezone.now() - timedelta(hours=2),
    )
    article.companies.add(company)
    article.tags.add("業績")
    index_article(article.pk)
    at = timezone.localtime(article.publish_at, ZoneInfo("Asia/Hong_Kong"))
    lists = "articles:briefs" if kind == "brief" else "articles:features"
    urls = [
        "/",
        reverse("articles:list"),
        reverse(lists),
        author.get_absolute_url(),
        reverse("articles:tag", kwargs={"slug": article.tags.get().slug}),
        reverse("articles:archive_month", kwargs={"year": at.year, "month": at.month}),
        company.get_absolute_url(),
        "/search/?q=季度業績",
    ]
    for url in urls:
        html = client.get(url).content.decode()
        # (Search results highlight the words found inside the headline.)
        assert "騰訊季度業績勝預期" in html or url.startswith("/search/"), url
        assert '<p class="card-byline">周慧琳</p>' in html, url
        assert f'href="{company.get_absolute_url()}">騰訊控股 0700.HK</a>' in html, url
