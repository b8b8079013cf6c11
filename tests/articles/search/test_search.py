"""Search on the public site and in the admin, on SQLite and PostgreSQL alike.

The whole suite runs a second time with DATABASE_URL pointing at PostgreSQL,
so every test here runs against both backends.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import editing, search, workflow
from articles.models import Article, SearchDocument
from newsroom import public_content
from newsroom.edge import has_control_characters
from tests.factories import (
    make_article,
    make_author,
    make_company,
    make_editor,
    make_live_article,
)

pytestmark = pytest.mark.django_db


def found(query, queryset=None):
    """Headlines of the live articles matching ``query``, best first."""
    queryset = Article.objects.live() if queryset is None else queryset
    results = search.search(query, queryset)
    return [article.headline for article in results[: results.count()]]


def cards(html):
    """The result cards of a search page (the query is not repeated there)."""
    if "search-results" not in html:
        return ""
    return html.split("search-results", 1)[1].split('<nav class="pagination"')[0]


def results_main(client, url, *, marks=False):
    """The page's <main>, without the <mark>s unless ``marks``."""
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    html = html[html.index("<main") : html.index("</main>")]
    return html if marks else html.replace("<mark>", "").replace("</mark>", "")


@pytest.fixture
def newsroom(indexed):
    with indexed():
        unisound = make_company("6638.HK", name="雲知聲", name_en="Unisound")
        ocft = make_company("OCFT.US", name="金融壹賬通", name_en="OneConnect")
        author = make_author(name="陳大文", slug="chan")
        brief = make_live_article(
            headline="雲知聲公布全年業績",
            body="<p>語音識別公司雲知聲（6638.HK）收入增長，光伏業務另計。</p>",
            authors=[author],
        )
        brief.companies.add(unisound)
        brief.tags.add("人工智能")
        ali = make_live_article(
            kind=Article.Kind.FEATURE,
            headline="電商巨頭的轉型",
            title_en="Alibaba rethinks retail",
            body="<p>阿裏巴巴宣布回購股份，interest rates weigh on margins.</p>",
        )
        ocft_brief = make_live_article(
            headline="壹賬通季度虧損收窄",
            body="<p>金融壹賬通 (ocft.us) 公布季度業績，地產客戶減少。</p>",
        )
        ocft_brief.companies.add(ocft)
        draft = make_article(headline="雲知聲草稿", body="<p>雲知聲 回購 光伏</p>")
        scheduled = make_article(
            status=Article.Status.PUBLISHED,
            publish_at=timezone.now() + timedelta(days=1),
            headline="雲知聲排期稿",
        )
    return {
        "unisound": unisound,
        "author": author,
        "brief": brief,
        "ali": ali,
        "ocft": ocft_brief,
        "draft": draft,
        "scheduled": scheduled,
    }


# --- what matches --------------------------------------------------------------


@pytest.mark.parametrize("query", ["雲知聲", "云知声", "知聲", "知声"])
def test_names_in_either_script_find_the_article(newsroom, query):
    assert found(query) == ["雲知聲公布全年業績"]


def test_variant_characters_fold(newsroom):
    assert found("阿里巴巴") == found("阿裏巴巴") == ["電商巨頭的轉型"]


@pytest.mark.parametrize("query", ["回購", "回购", "業績", "业绩"])
def test_two_character_words(newsroom, query):
    expected = {
        "回購": {"電商巨頭的轉型"},
        "業績": {"雲知聲公布全年業績", "壹賬通季度虧損收窄"},
    }
    key = {"回购": "回購", "业绩": "業績"}.get(query, query)
    assert set(found(query)) == expected[key]


def test_one_character_query(newsroom):
    assert set(found("伏")) == {"雲知聲公布全年業績"}
    assert "壹賬通季度虧損收窄" in found("產")


@pytest.mark.parametrize("query", ["6638.HK", "6638.hk", "6638", "HKEX:6638"])
def test_tickers_with_and_without_exchange(newsroom, query):
    assert found(query) == ["雲知聲公布全年業績"]


def test_ticker_of_a_linked_company_finds_the_article_without_it_in_the_copy(
    indexed,
):
    with indexed():
        company = make_company("0853.HK", name="微創醫療")
        article = make_live_article(headline="醫療器械股走強", body="<p>板塊造好。</p>")
        article.companies.add(company)
    assert found("853.hk") == found("0853") == found("微创医疗") == ["醫療器械股走強"]


@pytest.mark.parametrize("query", ["OCFT", "ocft.us", "OCFT.US"])
def test_us_tickers(newsroom, query):
    assert found(query) == ["壹賬通季度虧損收窄"]


def test_english_words_in_title_and_body(newsroom):
    assert found("Alibaba") == found("INTEREST rates") == ["電商巨頭的轉型"]
    assert found("OneConnect") == ["壹賬通季度虧損收窄"]


def test_mixed_query_needs_every_part(newsroom):
    assert found("阿里巴巴 interest") == ["電商巨頭的轉型"]
    assert found("阿里巴巴 6638") == []


def test_tags_and_authors_are_searchable(newsroom):
    assert found("人工智能") == found("陳大文") == ["雲知聲公布全年業績"]


def test_quoted_phrase_must_be_adjacent(indexed):
    with indexed():
        make_live_article(headline="甲", body="<p>市場預期加息放緩。</p>")
        make_live_article(headline="乙", body="<p>加息市場，預期放緩。</p>")
        make_live_article(headline="丙", body="<p>interest rates rise</p>")
        make_live_article(headline="丁", body="<p>rates of interest rise</p>")
    assert set(found("市場 預期")) == {"甲", "乙"}
    assert found('"市場預期"') == found("「市场预期」") == ["甲"]
    assert set(found("interest rates")) == {"丙", "丁"}
    assert found('"interest rates"') == ["丙"]


def test_nonsense_matches_nothing(newsroom):
    assert found("qzxwv") == []
    assert found("龘靐") == []


# --- ranking -----------------------------------------------------------------------


def test_headline_and_company_matches_rank_above_body_matches(indexed):
    now = timezone.now()
    with indexed():
        make_live_article(
            headline="新能源車銷量",
            body="<p>" + "光伏組件出口增加。" * 5 + "</p>",
            publish_at=now - timedelta(minutes=1),
        )
        make_live_article(
            headline="光伏龍頭擴產",
            body="<p>公司擴大產能。</p>",
            publish_at=now - timedelta(days=30),
        )
        company = make_company(name="光伏科技")
        by_company = make_live_article(
            headline="新股上市", publish_at=now - timedelta(days=60)
        )
        by_company.companies.add(company)
    ranked = found("光伏")
    assert ranked[-1] == "新能源車銷量"
    assert set(ranked[:2]) == {"光伏龍頭擴產", "新股上市"}


def test_newer_first_at_equal_relevance(indexed):
    now = timezone.now()
    with indexed():
        for days, headline in [(3, "舊"), (1, "新"), (2, "中")]:
            make_live_article(
                headline=headline,
                body="<p>回購計劃。</p>",
                publish_at=now - timedelta(days=days),
            )
    assert found("回購") == ["新", "中", "舊"]


def test_many_matches_are_counted_and_ranked_up_to_a_limit(
    indexed, client, monkeypatch
):
    # With more matches than the limit, the count stops there and only the
    # newest matches are ranked: a headline match among them still leads.
    monkeypatch.setattr(search, "MAX_RESULTS", 3)
    monkeypatch.setattr("articles.search.backends.CANDIDATES", 3)
    now = timezone.now()
    with indexed():
        for days, headline in [(90, "光伏舊聞"), (1.5, "光伏龍頭擴產")]:
            make_live_article(headline=headline, publish_at=now - timedelta(days=days))
        for days in range(1, 7):
            make_live_article(
                headline=f"第{days}日",
                body="<p>光伏組件出口增加。</p>",
                publish_at=now - timedelta(days=days),
            )
        # The newest article has the phrase's words, not the phrase.
        make_live_article(
            headline="散句",
            body="<p>組件多。件出少。出口增。</p>",
            publish_at=now - timedelta(hours=12),
        )
    results = search.search("光伏", Article.objects.live())
    assert results.count() == 3 and results.capped
    ranked = [article.headline for article in results[0:10]]
    # The same on both databases: the old headline match is not a candidate.
    assert ranked == ["光伏龍頭擴產", "第1日", "第2日"]
    html = results_main(client, "/search/?q=光伏")
    # "3+ articles match …" (超過 3 篇文章符合… in the site language).
    assert "超過 3 篇文章" in html and html.count('class="card ') == 3
    phrase = search.search("「組件出口」", Article.objects.live())
    assert phrase.count() == 3 and phrase.capped
    assert [a.headline for a in phrase[0:10]] == ["第1日", "第2日", "第3日"]
    assert not search.search("擴產", Article.objects.live()).capped


def test_newest_matches_of_a_common_query_rank_by_where_the_words_are(
    indexed, monkeypatch
):
    # Capped: only the newest three matches are ranked, title over meta over
    # body whatever their dates, each unit of the query counting.
    monkeypatch.setattr(search, "MAX_RESULTS", 3)
    monkeypatch.setattr("articles.search.backends.CANDIDATES", 3)
    now = timezone.now()
    with indexed():
        for hours, headline, dek in [
            (1, "內文提及", ""),
            (2, "導語提及", "光伏組件出口創新高。"),
            (3, "光伏組件大增", ""),
            (4, "較舊", ""),
            (5, "更舊", ""),
        ]:
            make_live_article(
                headline=headline,
                dek=dek,
                body="<p>光伏組件出口增加，龍頭受惠。</p>",
                publish_at=now - timedelta(hours=hours),
            )
    for query in ("光伏", "光", "「光伏組件」"):
        results = search.search(query, Article.objects.live())
        assert results.count() == 3 and results.capped, query
        assert [a.headline for a in results[0:10]] == [
            "光伏組件大增",
            "導語提及",
            "內文提及",
        ], query
    # Two units: the headline holds one, the body the other (10 + 1), over
    # the dek holding one (3 + 1), over the body holding both (1 + 1).
    results = search.search("光伏 龍頭", Article.objects.live())
    assert [a.headline for a in results[0:3]] == [
        "光伏組件大增",
        "導語提及",
        "內文提及",
    ]


@pytest.mark.parametrize("window_limit", [1, 32])
def test_the_newest_matches_are_found_however_far_back_they_are(
    indexed, monkeypatch, window_limit
):
    # Ten newer articles without the word: the first window finds nothing,
    # then a larger window (or, past the limit, the index) finds the matches.
    monkeypatch.setattr(search, "MAX_RESULTS", 2)
    monkeypatch.setattr("articles.search.backends.CANDIDATES", 2)
    monkeypatch.setattr("articles.search.backends.WINDOW_LIMIT", window_limit)
    now = timezone.now()
    with indexed():
        for hours in range(1, 11):
            make_live_article(
                headline=f"無關{hours}", publish_at=now - timedelta(hours=hours)
            )
        for days in range(1, 4):
            make_live_article(
                headline=f"停牌{days}", publish_at=now - timedelta(days=days)
            )
    results = search.search("停牌", Article.objects.live())
    assert results.count() == 2 and results.capped
    assert [a.headline for a in results[0:10]] == ["停牌1", "停牌2"]
    phrase = search.search('"停牌"', Article.objects.live())
    assert [a.headline for a in phrase[0:10]] == ["停牌1", "停牌2"]


# --- visibility and freshness ---------------------------------------------------------


def test_unpublished_articles_are_never_in_public_results(client, newsroom):
    assert found("雲知聲") == ["雲知聲公布全年業績"]
    for prefix in ("", "/zh-hans"):
        html = results_main(client, f"{prefix}/search/?q=云知声")
        assert "草稿" not in html and "排期" not in html and "排期" not in html


def test_scheduled_article_appears_at_its_time_without_reindexing(newsroom):
    scheduled = newsroom["scheduled"]
    Article.objects.filter(pk=scheduled.pk).update(
        publish_at=timezone.now() - timedelta(minutes=1)
    )
    assert "雲知聲排期稿" in found("雲知聲")


def test_index_follows_saves_and_workflow(indexed):
    editor = make_editor()
    with indexed():
        article = make_article(headline="草擬中的標題", body="<p>光伏</p>")
    assert found("光伏", Article.objects.all()) == ["草擬中的標題"]
    with indexed():
        article.headline = "改好的標題"
        article.body = "<p>儲能</p>"
        editing.save_article(article, by=editor)
    assert found("光伏", Article.objects.all()) == []
    assert found("儲能", Article.objects.all()) == ["改好的標題"]
    assert found("儲能") == []
    with indexed():
        workflow.publish(article, by=editor)
    assert found("储能") == ["改好的標題"]
    with indexed():
        workflow.unpublish(article, by=editor)
    assert found("儲能") == []


def test_renaming_a_company_reaches_the_index(newsroom, indexed):
    # What every writer of names does (tests/articles/search/test_renames.py
    # goes through each of them): save, then tell public_content.
    company = newsroom["unisound"]
    with indexed():
        company.name = "思必馳"
        company.save()
        public_content.changed(company)
    assert found("思必驰") == ["雲知聲公布全年業績"]


def test_deleting_an_article_removes_it_from_the_index(newsroom):
    newsroom["brief"].delete()
    assert not SearchDocument.objects.filter(pk=newsroom["brief"].pk).exists()
    assert found("语音识别") == []


def test_rebuild_command(newsroom):
    SearchDocument.objects.all().delete()
    assert found("雲知聲") == []
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert found("雲知聲") == ["雲知聲公布全年業績"]
    call_command(
        "rebuild_search_index",
        article=[newsroom["ali"].pk],
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    assert found("阿里巴巴") == ["電商巨頭的轉型"]


# --- the page --------------------------------------------------------------------


def test_search_page_highlights_in_the_readers_script(client, newsroom):
    traditional = results_main(client, "/search/?q=云知声", marks=True)
    assert "<mark>雲知聲</mark>公布全年業績" in traditional
    assert "語音識別公司<mark>雲知聲</mark>" in traditional
    simplified = results_main(client, "/zh-hans/search/?q=雲知聲", marks=True)
    assert "<mark>云知声</mark>公布全年业绩" in simplified
    assert "语音识别公司<mark>云知声</mark>" in simplified


def test_snippet_escapes_the_copy(indexed, client):
    with indexed():
        make_live_article(headline="標題", body="<p>1 &lt; 2 &amp; 光伏 &lt;b&gt;</p>")
    html = results_main(client, "/search/?q=光伏", marks=True)
    assert "1 &lt; 2 &amp; <mark>光伏</mark> &lt;b&gt;" in html


def test_search_combines_with_filters(client, newsroom):
    tag = newsroom["brief"].tags.get().slug
    company = newsroom["unisound"].slug
    assert "雲知聲公布全年業績" in results_main(client, f"/search/?q=業績&tag={tag}")
    for extra in (f"tag={tag}", f"company={company}", "author=chan"):
        html = results_main(client, f"/search/?q=業績&{extra}")
        assert "雲知聲公布全年業績" in html, extra
        assert "壹賬通季度虧損收窄" not in html, extra
    html = results_main(client, "/search/?q=業績&kind=brief")
    assert "雲知聲公布全年業績" in html and "壹賬通季度虧損收窄" in html
    html = results_main(client, "/search/?q=回購&kind=feature")
    assert "電商巨頭的轉型" in html
    html = results_main(client, "/search/?q=業績&kind=feature")
    assert "雲知聲公布全年業績" not in html
    # The brief's own day in Hong Kong (not today's: just after midnight
    # there, an article of an hour ago was published yesterday).
    day = timezone.localdate(newsroom["brief"].publish_at)
    html = results_main(client, f"/search/?q=業績&date_to={day - timedelta(days=2)}")
    assert "雲知聲公布全年業績" not in html
    html = results_main(client, f"/search/?q=業績&date_from={day}")
    assert "雲知聲公布全年業績" in html


def test_pagination_keeps_query_and_filters(client, indexed):
    with indexed():
        for n in range(25):
            make_live_article(headline=f"光伏第{n}篇", kind=Article.Kind.BRIEF)
    html = results_main(client, "/search/?q=光伏&kind=brief")
    assert html.count('class="card ') == 20
    assert "page=2" in html and "q=%E5%85%89%E4%BC%8F" in html and "kind=brief" in html
    html = results_main(client, "/search/?q=光伏&kind=brief&page=2")
    assert html.count('class="card ') == 5


EMPTY = (
    "Search every article in Traditional or Simplified Chinese or English, by word,"
    " company name or ticker (6638.HK, OCFT). Put a phrase in quotes to find it as"
    " written."
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/search/", EMPTY),
        ("/search/?q=", EMPTY),
        (
            "/search/?q=%EF%BC%8C%E3%80%82%21%3F",
            "Type a word, a name or a ticker: punctuation alone finds nothing.",
        ),
        (
            "/search/?q=qzxwv",
            "Nothing matches this search. Try other words, a shorter phrase,"
            " or the company's ticker.",
        ),
    ],
)
def test_friendly_pages_for_empty_punctuation_and_nonsense(client, url, expected):
    # Public pages are in the site's language, whatever the test's.
    assert _in_site_language(expected) in results_main(client, url)


def test_long_query_is_capped_and_says_so(client, newsroom):
    html = results_main(client, "/search/?q=" + "雲知聲" * 60)
    expected = "Only the first %(count)d characters of the search were used."
    assert _in_site_language(expected) % {"count": 100} in html


def test_search_page_is_publicly_cacheable(client, newsroom):
    for prefix in ("", "/zh-hans"):
        response = client.get(f"{prefix}/search/?q=雲知聲")
        assert "public" in response["Cache-Control"]
        assert not response.cookies


def test_search_box_in_every_page_header(client, newsroom):
    html = client.get("/").content.decode()
    assert f'action="{reverse("articles:search")}"' in html


# --- hostile queries -----------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"""',
        "雲知聲*",
        "NEAR(雲知聲 業績)",
        "雲知聲 AND 業績",
        "雲知聲 OR 草稿",
        "NOT 雲知聲",
        "title:雲知聲",
        "^雲知聲",
        "雲知聲 & !業績 | (x",
        "'; DROP TABLE articles_article; --",
        "\\",
        "6638:*",
        "雲知聲 <-> 業績",
    ],
)
def test_query_syntax_characters_change_nothing(client, newsroom, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    # Operators are words or nothing: "OR 草稿" cannot reach the draft.
    assert "草稿" not in cards(response.content.decode())


def test_operator_words_are_searched_as_words(indexed):
    with indexed():
        make_live_article(headline="Nothing NEAR or NOT", body="<p>and</p>")
    assert found("NOT NEAR") == ["Nothing NEAR or NOT"]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.text(
        alphabet=st.one_of(
            st.sampled_from("\"*:^()'\\-+&|!<>{}[]NEARANDORNOT 雲知聲业绩 6638.HK，"),
            st.characters(codec="utf-8"),
        ),
        max_size=120,
    )
)
def test_arbitrary_queries_never_fail(client, newsroom, query):
    response = client.get("/search/", {"q": query, "kind": "brief"})
    if has_control_characters(query):
        # Refused at the edge (tests/security/test_control_characters.py).
        assert response.status_code == 400
        return
    assert response.status_code == 200
    html = cards(response.content.decode())
    assert "雲知聲草稿" not in html and "雲知聲排期稿" not in html


# --- the admin -----------------------------------------------------------------


def test_admin_search_uses_the_index_and_sees_every_status(client, newsroom):
    client.force_login(make_editor())
    url = reverse("admin:articles_article_changelist")
    html = client.get(url, {"q": "云知声"}).content.decode()
    assert "雲知聲公布全年業績" in html
    assert "雲知聲草稿" in html and "雲知聲排期稿" in html
    assert "壹賬通季度虧損收窄" not in html
    html = client.get(url, {"q": "6638"}).content.decode()
    assert "雲知聲公布全年業績" in html and "壹賬通季度虧損收窄" not in html
    response = client.get(url, {"q": '" * NEAR('})
    assert response.status_code == 200


def _in_site_language(message):
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message)
