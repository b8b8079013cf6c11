"""Companies linked from the copy on save: tickers link, names are suggested."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from lxml import html as lxml_html

from articles import company_links
from articles.models import Article, CompanyLinkRemoval
from companies.merging import merge_companies
from companies.models import Company, Ticker
from tests.articles.test_workflow import admin_post_data, change_url
from tests.factories import make_article, make_company

pytestmark = pytest.mark.django_db


def linked(article):
    return set(article.companies.values_list("name", flat=True))


@pytest.fixture
def companies(db):
    return {
        "oneconnect": make_company(
            "OCFT.US", "6638.HK", name="金融壹賬通", aliases=["壹賬通", "OneConnect"]
        ),
        "lufax": make_company(
            "LU.US", "6623.HK", name="陸金所控股", aliases=["陸金所"]
        ),
        "ping_an": make_company("2318.HK", "601318.SH", name="中國平安"),
        "vanke": make_company(
            "2202.HK", "000002.SZ", name="萬科企業", aliases=["萬科"]
        ),
    }


# --- tickers link on save ------------------------------------------------------


def test_tickers_in_every_copy_field_link_their_companies(companies):
    article = make_article(
        headline="壹賬通(OCFT.US)關閉雲業務",
        dek="母公司旗下的陸金所控股(LU.US; 6623.HK)亦受影響",
        key_points=["萬科（2202.HK；000002.SZ）不在此列"],
        body="<p>平安（HKEX: 2318）持股未變。</p>",
    )
    result = company_links.link_companies_from_tickers(article)
    assert linked(article) == {"金融壹賬通", "陸金所控股", "萬科企業", "中國平安"}
    assert {c.name for c in result.added} == linked(article)
    assert result.unknown == []


def test_unknown_tickers_are_reported_in_reading_order(companies):
    article = make_article(
        headline="智谱AI(2513.HK)上市",
        body="<p>MiniMax (0100.HK) 與壹賬通(OCFT.US)同日公布。</p>",
    )
    result = company_links.link_companies_from_tickers(article)
    assert [str(t) for t in result.unknown] == ["2513.HK", "0100.HK"]
    assert linked(article) == {"金融壹賬通"}


def test_saving_in_the_admin_links_companies_by_ticker(editor_client, companies):
    article = make_article(headline="草稿")
    data = admin_post_data(
        article, body="<p>陸金所控股(LU.US; 6623.HK)公布業績。</p>", _continue="1"
    )
    response = editor_client.post(change_url(article), data, follow=True)
    assert response.status_code == 200
    assert linked(article) == {"陸金所控股"}
    messages = [str(m) for m in response.context["messages"]]
    with translation.override("zh-hant"):
        expected = _("Linked by the tickers in the copy: %(companies)s.") % {
            "companies": "陸金所控股"
        }
    assert expected in messages and "陸金所控股" in expected
    # The revision recorded for this save includes the company linked.
    assert article.revisions.latest("version").data["companies"]


def test_adding_an_article_in_the_admin_links_by_ticker(editor_client, companies):
    data = {
        "kind": "brief",
        "headline": "新稿",
        "body": "<p>萬科(2202.HK)宣布回購。</p>",
        "script": "zh-Hant",
    }
    for prefix in ("bylines", "corrections"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert linked(Article.objects.get(headline="新稿")) == {"萬科企業"}


# --- removed links stay removed ------------------------------------------------


def test_a_company_an_editor_removes_stays_removed_on_later_saves(
    editor_client, editor, companies
):
    article = make_article(body="<p>陸金所控股(LU.US)與萬科(2202.HK)。</p>")
    company_links.link_companies_from_tickers(article)
    assert linked(article) == {"陸金所控股", "萬科企業"}

    keep = [str(companies["lufax"].pk)]
    editor_client.post(change_url(article), admin_post_data(article, companies=keep))
    assert linked(article) == {"陸金所控股"}
    removal = CompanyLinkRemoval.objects.get(article=article)
    assert removal.company == companies["vanke"] and removal.removed_by == editor

    # Later saves, with the ticker still in the copy, leave it off.
    article.refresh_from_db()
    editor_client.post(
        change_url(article),
        admin_post_data(article, body="<p>萬科(2202.HK; 000002.SZ)再被提及。</p>"),
    )
    assert linked(article) == {"陸金所控股"}
    company_links.link_companies_from_tickers(article)
    assert linked(article) == {"陸金所控股"}


def test_adding_a_removed_company_back_by_hand_forgets_the_removal(
    editor_client, companies
):
    article = make_article(body="<p>萬科(2202.HK)。</p>")
    CompanyLinkRemoval.objects.create(article=article, company=companies["vanke"])
    editor_client.post(
        change_url(article),
        admin_post_data(article, companies=[str(companies["vanke"].pk)]),
    )
    assert linked(article) == {"萬科企業"}
    assert not CompanyLinkRemoval.objects.filter(article=article).exists()


# --- name suggestions ------------------------------------------------------------


def test_names_are_suggested_with_where_they_appear(companies):
    article = make_article(
        headline="壹賬通關閉雲業務",
        body="<p>分析指，金融壹賬通的客戶主要來自平安集團及陸金所。</p>",
    )
    suggestions = company_links.suggest_companies(article)
    by_name = {s.company.name: s for s in suggestions}
    assert set(by_name) == {"金融壹賬通", "陸金所控股"}
    places = by_name["金融壹賬通"].places
    assert [(p.field, p.match) for p in places] == [
        ("headline", "壹賬通"),
        ("body_text", "金融壹賬通"),
    ]
    assert places[1].before == "分析指，"
    assert places[1].after.startswith("的客戶主要來自")
    # Names are never linked on their own.
    assert linked(article) == set()


def test_linked_and_removed_companies_are_not_suggested(companies):
    article = make_article(body="<p>陸金所與萬科及壹賬通。</p>")
    article.companies.add(companies["lufax"])
    CompanyLinkRemoval.objects.create(article=article, company=companies["vanke"])
    assert [s.company.name for s in company_links.suggest_companies(article)] == [
        "金融壹賬通"
    ]


def test_change_form_lists_suggestions_and_unknown_tickers(editor_client, companies):
    article = make_article(
        headline="雲業務收縮",
        body="<p>壹賬通金融科技有限公司(2513.HK)與陸金所同日公布。</p>",
    )
    page = lxml_html.fromstring(editor_client.get(change_url(article)).content.decode())
    panel = page.get_element_by_id("nr-company-panel")
    buttons = panel.xpath(".//button[@name='_link_company']")
    assert {b.get("value") for b in buttons} == {
        str(companies["oneconnect"].pk),
        str(companies["lufax"].pk),
    }
    marks = [m.text for m in panel.xpath(".//ul[@class='nr-places']//mark")]
    assert marks == ["壹賬通", "陸金所"]
    create = panel.xpath(".//a[contains(@class, 'nr-create-company')]")
    assert len(create) == 1
    query = parse_qs(urlparse(create[0].get("href")).query)
    assert query["ticker"] == ["2513.HK"]
    assert query["name"] == ["壹賬通金融科技有限公司"]


def test_one_click_accept_saves_the_form_and_links_the_company(
    editor_client, companies
):
    article = make_article(headline="舊標題", body="<p>陸金所公布業績。</p>")
    data = admin_post_data(
        article, headline="新標題", _link_company=str(companies["lufax"].pk)
    )
    response = editor_client.post(change_url(article), data)
    # Back on the same form, the edit saved and the company linked.
    assert response.status_code == 302
    assert response["Location"] == change_url(article)
    article.refresh_from_db()
    assert article.headline == "新標題"
    assert linked(article) == {"陸金所控股"}
    assert company_links.suggest_companies(article) == []


def test_accepting_a_suggestion_on_a_stale_form_loses_nothing(editor_client, companies):
    article = make_article(headline="原標題", body="<p>陸金所。</p>")
    stale = admin_post_data(
        article, headline="我的修改", _link_company=str(companies["lufax"].pk)
    )
    article.headline = "別人的修改"
    article.save()
    response = editor_client.post(change_url(article), stale)
    assert response.status_code == 200  # the form again, with the typed text
    assert "我的修改" in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "別人的修改" and linked(article) == set()


def test_accepting_a_bogus_company_id_changes_nothing_else(editor_client, companies):
    article = make_article(headline="標題")
    for bogus in ["999999", "abc", ""]:
        article.refresh_from_db()
        response = editor_client.post(
            change_url(article), admin_post_data(article, _link_company=bogus)
        )
        assert response.status_code == 302
    assert linked(article) == set()


def test_create_company_link_prefills_the_ticker(editor_client):
    url = reverse("admin:companies_company_add")
    response = editor_client.get(url, {"ticker": "2513.hk", "name": "智谱AI"})
    page = lxml_html.fromstring(response.content.decode())
    assert page.get_element_by_id("id_name").get("value") == "智谱AI"
    exchange = page.get_element_by_id("id_tickers-0-exchange")
    assert exchange.xpath("option[@selected]")[0].get("value") == "HK"
    assert page.get_element_by_id("id_tickers-0-symbol").get("value") == "2513"


def test_create_company_with_an_unreadable_ticker_warns(editor_client):
    url = reverse("admin:companies_company_add")
    response = editor_client.get(url, {"ticker": "HSHCI"})
    assert response.status_code == 200
    assert any("HSHCI" in str(m) for m in response.context["messages"])


def test_after_creating_the_company_the_next_save_links_it(editor_client):
    article = make_article(body="<p>智谱AI(2513.HK)招股。</p>")
    assert [str(u.ticker) for u in company_links.unknown_tickers(article)] == [
        "2513.HK"
    ]
    company = make_company("2513.HK", name="智谱")
    editor_client.post(change_url(article), admin_post_data(article))
    assert linked(article) == {"智谱"}
    assert company_links.unknown_tickers(article) == []
    assert Ticker.objects.get().company == company


# --- merging keeps removals -------------------------------------------------------


def test_merging_companies_moves_editors_removals(companies):
    duplicate = make_company(name="陸金所重複")
    removed_here = make_article(headline="甲")
    linked_here = make_article(headline="乙")
    CompanyLinkRemoval.objects.create(article=removed_here, company=duplicate)
    CompanyLinkRemoval.objects.create(article=linked_here, company=duplicate)
    linked_here.companies.add(companies["lufax"])

    merge_companies(companies["lufax"], [duplicate])

    assert not Company.objects.filter(pk=duplicate.pk).exists()
    assert (
        CompanyLinkRemoval.objects.get(article=removed_here).company
        == (companies["lufax"])
    )
    # Where the article links the kept company, the link wins.
    assert not CompanyLinkRemoval.objects.filter(article=linked_here).exists()
    assert linked(linked_here) == {"陸金所控股"}


def test_writers_are_offered_asking_an_editor_not_creating_a_company(
    writer_client, writer
):
    article = make_article(body="<p>新科技(2513.HK)今日上市。</p>", created_by=writer)
    html = writer_client.get(change_url(article)).content.decode()
    panel = lxml_html.fromstring(html).get_element_by_id("nr-company-panel")
    assert panel.xpath(".//a[contains(@class, 'nr-create-company')]") == []
    assert panel.xpath(".//p[contains(@class, 'nr-ask-editor')]")
    assert "2513.HK" in panel.text_content()
    # The link a writer no longer sees would have been refused anyway.
    add = writer_client.get(reverse("admin:companies_company_add"))
    assert add.status_code == 403


@pytest.mark.parametrize(
    ("copy", "name"),
    [
        ("市場上另一家公司新科技(2513.HK)亦公布業績。", "新科技"),
        ("壹賬通金融科技有限公司(2513.HK)", "壹賬通金融科技有限公司"),
        ("其中一家新科技（2513.HK）", "新科技"),
        ("競爭對手新科技(2513.HK)", "新科技"),
        ("(2513.HK)", ""),
    ],
)
def test_the_name_guess_is_only_the_name(copy, name):
    article = make_article(body=f"<p>{copy}</p>")
    [unknown] = company_links.unknown_tickers(article)
    assert unknown.name_guess == name
