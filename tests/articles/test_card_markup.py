"""The article card (``article_card``): what it shows, and that every value is
escaped whatever it holds."""

from datetime import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.models import Article, Link
from articles.public.templatetags.newsroom_public import article_card

AT = datetime(2026, 12, 4, 2, 5, tzinfo=ZoneInfo("UTC"))


class _Tree(HTMLParser):
    """Elements as (tag, attrs, text) with their text, in document order."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements, self.open = [], []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = [tag, dict(attrs), ""]
        self.elements.append(element)
        self.open.append(element)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1][0] == tag, f"</{tag}> closes nothing"
        self.open.pop()

    def handle_data(self, data):
        for element in self.open:
            element[2] += data

    def find(self, tag, css_class=None):
        return [
            e
            for e in self.elements
            if e[0] == tag and (css_class is None or css_class in e[1].get("class", ""))
        ]


def card_article(headline="港股收市", dek="導語", *, names=("陳大文",), companies=()):
    article = Article(
        pk=41, slug="hk-close", headline=headline, dek=dek, kind="brief", publish_at=AT
    )
    article.card_byline = [Link(name, f"/authors/{n}/") for n, name in enumerate(names)]
    article.card_companies = [
        Link(name, url, tickers) for name, url, tickers in companies
    ]
    return article


def test_a_card_shows_kind_time_headline_dek_byline_and_chips():
    article = card_article(
        names=("陳大文", "李小明"),
        companies=[("騰訊控股", "/companies/tencent/", ("0700.HK", "TCEHY.US"))],
    )
    tree = _Tree(article_card(article, level=3))
    [card] = tree.find("article")
    assert card[1]["class"] == "card card-brief"
    assert tree.find("span", "kind")[0][2] == "簡訊"
    [time] = tree.find("time")
    assert time[1]["datetime"] == "2026-12-04T10:05:00+08:00"
    assert time[2] == "2026年12月4日 10:05 HKT"
    [headline] = tree.find("h3", "card-headline")
    assert headline[2] == "港股收市"
    assert tree.find("a")[0][1]["href"] == "/articles/41/hk-close/"
    assert tree.find("p", "card-dek")[0][2] == "導語"
    assert tree.find("p", "card-byline")[0][2] == "陳大文、李小明"
    chips = [(a[1]["href"], a[2]) for a in tree.find("a", "chip")]
    assert chips == [
        ("/companies/tencent/", "騰訊控股 0700.HK"),
        ("/companies/tencent/", "騰訊控股 TCEHY.US"),
    ]


def test_a_compact_card_has_no_byline_or_chips_and_levels_are_bounded():
    article = card_article(companies=[("騰訊", "/companies/t/", ("0700.HK",))])
    tree = _Tree(article_card(article, level=3, compact=True))
    assert not tree.find("p", "card-byline") and not tree.find("a", "chip")
    assert _Tree(article_card(article)).find("h2", "card-headline")
    assert _Tree(article_card(article, level="1><script>")).find("h2")


def test_a_card_needs_nothing_but_the_articles_own_columns():
    """Lists that are not read with_cards() (the newsletter's) still render."""
    article = Article(pk=7, headline="無副題", dek="", kind="feature")
    tree = _Tree(article_card(article))
    assert tree.find("span", "kind")[0][2] == "長文"
    assert not tree.find("time") and not tree.find("p", "card-dek")


text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(str.strip)


@given(headline=text, dek=text, name=text, company=text, ticker=text)
def test_any_text_comes_back_as_it_was_written(headline, dek, name, company, ticker):
    """Whatever an editor types, the card's markup keeps its shape and a
    browser reads back the same text: nothing is interpreted as markup."""
    article = card_article(
        headline, dek, names=(name,), companies=[(company, "/c/\"'<>/", (ticker,))]
    )
    tree = _Tree(article_card(article))
    assert [e[0] for e in tree.elements] == [
        "article", "p", "span", "time", "h2", "a", "p", "p", "p", "a",
    ]  # fmt: skip
    assert tree.find("h2")[0][2] == headline
    assert tree.find("p", "card-dek")[0][2] == dek
    assert tree.find("p", "card-byline")[0][2] == name
    [chip] = tree.find("a", "chip")
    assert chip[2] == f"{company} {ticker}" and chip[1]["href"] == "/c/\"'<>/"


@pytest.mark.django_db
def test_list_pages_show_the_card(client):
    from tests.factories import make_author, make_company, make_live_article

    article = make_live_article(
        headline="<b>標題</b>", authors=[make_author(name="周<i>慧琳</i>")]
    )
    article.companies.add(make_company("0700.HK", name="騰訊&控股"))
    html = client.get("/briefs/").content.decode()
    assert "&lt;b&gt;標題&lt;/b&gt;" in html and "<b>標題" not in html
    assert "周&lt;i&gt;慧琳&lt;/i&gt;" in html
    assert "騰訊&amp;控股 0700.HK</a>" in html


def test_a_search_result_card_keeps_its_highlights_and_escapes_the_rest():
    """Search passes its highlighted headline and snippet (safe markup, made
    by articles/search/snippets.py); a plain string passed there is text."""
    from django.utils.safestring import mark_safe

    article = card_article(companies=[("騰訊", "/companies/t/", ("0700.HK",))])
    html = article_card(
        article, headline=mark_safe("港股<mark>收市</mark>"), snippet="<b>摘要</b>"
    )
    tree = _Tree(html)
    assert "港股<mark>收市</mark>" in html and tree.find("mark")[0][2] == "收市"
    [snippet] = tree.find("p", "search-snippet")
    assert snippet[2] == "<b>摘要</b>" and not tree.find("b")
    assert not [p for p in tree.find("p", "card-dek") if p is not snippet]
    assert tree.find("p", "card-byline") and tree.find("a", "chip")
