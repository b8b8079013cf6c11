"""First mentions of linked companies become links when the article renders."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from articles.models import Article
from articles.public import rendering
from articles.sanitize import sanitize_html
from tests.factories import make_company, make_live_article, page_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies(db):
    lufax = make_company("LU.US", "6623.HK", name="陸金所控股", aliases=["陸金所"])
    vanke = make_company("2202.HK", name="萬科企業", aliases=["萬科", "Vanke"])
    # Named in copy but not linked to the articles below.
    make_company("2318.HK", name="中國平安", aliases=["平安"])
    return lufax, vanke


def fragment(markup):
    return lxml_html.fragment_fromstring(markup, create_parent="div")


def company_links(markup):
    return [
        (a.text_content(), a.get("href"))
        for a in fragment(markup).iter("a")
        if a.get("class") == "company-link"
    ]


def test_first_mention_of_each_company_is_linked_once(companies):
    lufax, vanke = companies
    body = (
        "<p>陸金所控股(LU.US; 6623.HK)表示，萬科的債務與陸金所無關。</p>"
        "<p>萬科(2202.HK)股價回落，陸金所持平。</p>"
    )
    out = rendering.link_companies(body, [lufax, vanke])
    assert company_links(out) == [
        ("陸金所控股", lufax.get_absolute_url()),
        ("萬科", vanke.get_absolute_url()),
    ]


def test_a_ticker_before_the_name_is_the_first_mention(companies):
    lufax, _vanke = companies
    out = rendering.link_companies("<p>6623.HK 今日急跌，陸金所回應。</p>", [lufax])
    assert company_links(out) == [("6623.HK", lufax.get_absolute_url())]


def test_text_inside_links_headings_and_attributes_is_left_alone(companies):
    lufax, vanke = companies
    body = (
        '<h2>陸金所的轉型</h2><p><a href="https://example.com/lu" title="陸金所">'
        "陸金所公告</a>；"
        '<img src="/m/x.jpg" alt="萬科 Vanke 總部"> 其後萬科回應。</p>'
        "<p>陸金所控股再度發言。</p>"
    )
    out = rendering.link_companies(body, [lufax, vanke])
    assert company_links(out) == [
        ("萬科", vanke.get_absolute_url()),
        ("陸金所控股", lufax.get_absolute_url()),
    ]
    tree = fragment(out)
    assert tree.xpath("//a//a") == []
    assert tree.xpath("//h2")[0].text_content() == "陸金所的轉型"
    assert tree.xpath("//h2/a") == []
    assert tree.xpath("//img")[0].get("alt") == "萬科 Vanke 總部"
    assert tree.xpath("//a[@title]")[0].get("title") == "陸金所"


def test_a_longer_unlinked_name_is_not_split_for_a_linked_one(companies):
    """中國平安 is a company of its own; its 平安 is no mention of anyone else."""
    ping_an_bank = make_company(name="平安銀行")
    out = rendering.link_companies("<p>中國平安與平安銀行。</p>", [ping_an_bank])
    assert company_links(out) == [("平安銀行", ping_an_bank.get_absolute_url())]


def test_latin_names_match_whole_words_only(companies):
    _lufax, vanke = companies
    out = rendering.link_companies("<p>Vankesha and then Vanke.</p>", [vanke])
    assert company_links(out) == [("Vanke", vanke.get_absolute_url())]


def test_entities_and_markup_survive_unchanged(companies):
    lufax, _vanke = companies
    body = (
        "<p>A &amp; B &lt;陸金所&gt; &#39;x&#39;<br><strong>粗</strong></p>"
        "<table><tbody><tr><td>陸金所</td></tr></tbody></table>"
    )
    out = rendering.link_companies(body, [lufax])
    assert out == body.replace(
        "陸金所",
        f'<a class="company-link" href="{lufax.get_absolute_url()}">陸金所</a>',
        1,
    )


def test_without_companies_or_mentions_the_body_is_returned_as_stored(companies):
    lufax, _vanke = companies
    body = "<p>沒有任何公司名稱。</p>"
    assert rendering.link_companies(body, []) == body
    assert rendering.link_companies(body, [lufax]) == body


# Random bodies: text with names, tickers and look-alikes, in the elements the
# sanitiser allows, with names inside attributes too.
WORDS = st.sampled_from(
    [
        "陸金所",
        "陸金所控股",
        "萬科",
        "Vanke",
        "中國平安",
        "平安",
        "LU.US",
        "(6623.HK)",
        "2202.HK",
        " ",
        "，",
        "。",
        "&",
        "<",
        ">",
        '"',
        "'",
        "6623",
        "港元",
        "a",
    ]
)
TEXT = st.lists(WORDS, max_size=8).map("".join)


@st.composite
def bodies(draw):
    blocks = []
    for _ in range(draw(st.integers(1, 5))):
        text, inner = draw(TEXT), draw(TEXT)
        shape = draw(st.sampled_from(["p", "h2", "a", "strong", "li", "img", "td"]))
        escaped = text.replace("&", "&amp;").replace("<", "&lt;")
        attr = inner.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        if shape == "a":
            blocks.append(
                f'<p>{escaped}<a href="https://e.com/{len(inner)}" title="{attr}">'
                f"{escaped}</a>{escaped}</p>"
            )
        elif shape == "img":
            blocks.append(f'<p>{escaped}<img src="/m/a.jpg" alt="{attr}">{escaped}</p>')
        elif shape == "li":
            blocks.append(f"<ul><li>{escaped}</li><li>{escaped}</li></ul>")
        elif shape == "td":
            blocks.append(f"<table><tbody><tr><td>{escaped}</td></tr></tbody></table>")
        elif shape == "strong":
            blocks.append(f"<p>{escaped}<strong>{escaped}</strong>{escaped}</p>")
        else:
            blocks.append(f"<{shape}>{escaped}</{shape}>")
    return sanitize_html("".join(blocks))


def attributes(tree):
    return [
        (el.tag, sorted(el.attrib.items()))
        for el in tree.iter()
        if el.get("class") != "company-link"
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=bodies())
def test_linking_never_changes_text_attributes_or_nesting(companies, body):
    lufax, vanke = companies
    out = rendering.link_companies(body, [lufax, vanke])
    before, after = fragment(body), fragment(out)
    assert after.text_content() == before.text_content()
    assert attributes(after) == attributes(before)
    assert after.xpath("//a//a") == []
    assert after.xpath("//*[self::h1 or self::h2 or self::h3]//a") == []
    # Each company at most once, and only companies the article links.
    linked = [href for _text, href in company_links(out)]
    assert len(linked) == len(set(linked))
    assert set(linked) <= {lufax.get_absolute_url(), vanke.get_absolute_url()}
    # Without the added links, the output is the body exactly.
    unlinked = out
    for text, href in company_links(out):
        unlinked = unlinked.replace(
            f'<a class="company-link" href="{href}">{text}</a>', text, 1
        )
    assert unlinked == body


# --- on the page --------------------------------------------------------------------


def test_article_page_links_companies_and_keeps_the_stored_body(client, companies):
    lufax, vanke = companies
    body = "<p>陸金所(LU.US)與萬科同日公布業績。</p>"
    article = make_live_article(body=body)
    article.companies.add(lufax, vanke)
    html = page_html(client, article.get_absolute_url())
    body_div = lxml_html.fromstring(html).xpath("//div[@class='body']")[0]
    links = [(a.text, a.get("href")) for a in body_div.iter("a")]
    assert links == [
        ("陸金所", lufax.get_absolute_url()),
        ("萬科", vanke.get_absolute_url()),
    ]
    assert Article.objects.get(pk=article.pk).body == body


def test_simplified_edition_links_to_simplified_company_pages(client, companies):
    lufax, _vanke = companies
    article = make_live_article(body="<p>陸金所公布業績。</p>")
    article.companies.add(lufax)
    page_html(client, article.get_absolute_url())  # the Traditional one, cached
    html = page_html(client, "/zh-hans" + article.get_absolute_url())
    body_div = lxml_html.fromstring(html).xpath("//div[@class='body']")[0]
    [link] = body_div.iter("a")
    assert link.get("href") == "/zh-hans" + lufax.get_absolute_url()
    assert link.text == "陆金所"


def test_linked_body_follows_a_company_change_at_once(companies):
    lufax, _vanke = companies
    article = make_live_article(body="<p>陸金所公布業績，LU.US 股價上升。</p>")
    first = rendering.body_with_company_links(article, [lufax])
    assert company_links(first) == [("陸金所", lufax.get_absolute_url())]
    lufax.slug = "lufax"
    lufax.aliases = []  # "陸金所" no longer names it: the ticker is the mention
    lufax.save()
    lufax.refresh_from_db()
    second = rendering.body_with_company_links(article, [lufax])
    assert company_links(second) == [("LU.US", "/companies/lufax/")]


def test_comments_and_quoted_angle_brackets_are_not_text(companies):
    lufax, _vanke = companies
    body = (
        '<!-- 陸金所 --><p title="a > 陸金所">x</p><h2>陸金所</h2><p>&#38585;陸金所</p>'
    )
    out = rendering.link_companies(body, [lufax])
    assert out == body.replace(
        "</h2><p>&#38585;陸金所",
        "</h2><p>&#38585;"
        f'<a class="company-link" href="{lufax.get_absolute_url()}">陸金所</a>',
    )
