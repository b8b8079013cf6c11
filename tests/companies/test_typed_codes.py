"""Codes as a Hong Kong desk types them: every spelling of a listing is one code,
and reaches the same company, page, filter and search results."""

import time

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article
from articles.public.filters import ArticleFilter
from companies import tickers
from companies.matching import resolve
from companies.models import Ticker
from companies.tickers import find_tickers, normalise_ticker, ticker_candidates
from tests.factories import make_company, make_live_article

# --- the normaliser ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "ticker"),
    [
        ("9988", "9988.HK"),
        ("00700", "0700.HK"),
        ("09988", "9988.HK"),
        ("02318", "2318.HK"),
        ("６６３８.HK", "6638.HK"),
        ("６６３８．ＨＫ", "6638.HK"),
        ("700 HK", "0700.HK"),
        ("700 HK Equity", "0700.HK"),
        ("700 hk equity", "0700.HK"),
        ("0700 HK", "0700.HK"),
        ("HK:700", "0700.HK"),
        ("HKEX: 700", "0700.HK"),
        ("HKEX：0700.HK", "0700.HK"),
        ("港交所：700", "0700.HK"),
        ("港交所 700", "0700.HK"),
        ("股份代號：0700", "0700.HK"),
        ("股份代號 5", "0005.HK"),
        ("700.HKG", "0700.HK"),
        ("00005", "0005.HK"),
        ("600519", "600519.SH"),
        ("600519.SS", "600519.SH"),
        ("600519.SH", "600519.SH"),
        ("SH600519", "600519.SH"),
        ("sh600519", "600519.SH"),
        ("600519 CH Equity", "600519.SH"),
        ("000002.SZ", "000002.SZ"),
        ("SZ000002", "000002.SZ"),
        ("000002", "000002.SZ"),
        ("NYSE: BABA", "BABA.US"),
        ("BABA.N", "BABA.US"),
        ("BABA US", "BABA.US"),
        ("BABA US Equity", "BABA.US"),
        ("ＢＡＢＡ　ＵＳ", "BABA.US"),
    ],
)
def test_every_typed_form_normalises_to_one_ticker(typed, ticker):
    assert normalise_ticker(typed) == ticker


def test_bare_symbol_is_a_us_candidate_but_not_a_ticker_by_itself():
    assert [str(t) for t in ticker_candidates("baba")] == ["BABA.US"]
    assert ticker_candidates("HK") == []
    with pytest.raises(tickers.InvalidTicker):
        normalise_ticker("HSHCI")


def test_six_digits_can_be_an_a_share_or_a_padded_hong_kong_code():
    candidates = [str(t) for t in ticker_candidates("000700")]
    assert candidates[:2] == ["000700.SZ", "0700.HK"]


@pytest.mark.parametrize(
    "typed", ["0000000000700", "HKEX: 6638.US", "700 XX", "HKEX:", "12345678"]
)
def test_what_no_exchange_prints_is_no_code(typed):
    with pytest.raises(tickers.InvalidTicker):
        normalise_ticker(typed)


# --- codes in copy ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("騰訊(700)股價上升", [("700", "0700.HK")]),
        ("騰訊（0700）", [("0700", "0700.HK")]),
        ("匯豐控股(5)宣布派息", [("5", "0005.HK")]),
        ("阿里巴巴（09988）", [("09988", "9988.HK")]),
        ("安踏體育(2020)公布", [("2020", "2020.HK")]),
        ("中國平安（２３１８）", [("２３１８", "2318.HK")]),
        ("騰訊 ( 700 ) 回購", []),  # a space before the bracket: not right after
    ],
)
def test_bare_code_in_brackets_after_a_name_is_a_ticker(text, expected):
    assert [(m.text, str(m.ticker)) for m in find_tickers(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "去年(2023)盈利",
        "截至2023年度(2023)",
        "股價(350)",
        "營收(700)萬元",
        "見圖(2)",
        "原因包括(1)成本上升(2)需求放緩(3)匯率",
        "(700)",
        "約(5)成",
        "第(3)季",
        "收市報 18,000 點（+1.2%）",
    ],
)
def test_years_prices_and_numbered_lists_in_brackets_are_not_tickers(text):
    assert find_tickers(text) == []


def test_full_width_code_in_copy_keeps_its_original_span():
    text = "雲知聲 ６６３８.HK 今日"
    [mention] = find_tickers(text)
    assert text[mention.start : mention.end] == "６６３８.HK"
    assert str(mention.ticker) == "6638.HK"


@pytest.mark.parametrize(
    "hostile",
    [
        "騰" + "(" * 50000,
        "騰(" + " " * 50000 + "1",
        ("騰(0" + " " * 2) * 20000,
        "SH" * 30000 + "1",
        "(１" * 30000,
    ],
)
def test_hostile_copy_and_typing_finish_fast(hostile):
    started = time.perf_counter()
    find_tickers(hostile)
    ticker_candidates(hostile)
    ticker_candidates(hostile[:40])
    assert time.perf_counter() - started < 2


# --- every spelling reaches the same company, page and results -----------------------


FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def spellings(number: int):
    """Ways people type the Hong Kong code ``number``."""
    code = str(number)
    padded = st.integers(min_value=0, max_value=5).map(lambda n: "0" * n + code)
    return st.one_of(
        padded,
        padded.map(lambda c: f"{c}.HK"),
        padded.map(lambda c: f"{c}.hkg"),
        padded.map(lambda c: f"{c} HK"),
        padded.map(lambda c: f"{c} HK Equity"),
        padded.map(lambda c: f"HK:{c}"),
        padded.map(lambda c: f"HKEX: {c}"),
        padded.map(lambda c: f"港交所：{c}"),
        padded.map(lambda c: f"股份代號：{c}"),
        padded.map(
            lambda c: c.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        ),
    )


@pytest.fixture
def tencent(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        company = make_company("0700.HK", name="騰訊控股", name_en="Tencent")
        make_live_article(headline="騰訊回購", body="<p>騰訊(700)今日回購股份。</p>")
        make_live_article(headline="港股收市", body="<p>恒指收市上升。</p>")
        article = make_live_article(
            headline="微信用戶", body="<p>騰訊控股（0700.HK）公布用戶數字。</p>"
        )
        article.companies.add(company)
    return company


def _search_headlines(client, typed):
    html = client.get(reverse("articles:search"), {"q": typed}).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return sorted(h for h in ("騰訊回購", "港股收市", "微信用戶") if h in main)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(typed=spellings(700))
def test_every_spelling_reaches_the_same_company_page_and_results(
    client, tencent, typed
):
    assert Ticker.objects.lookup(typed).company == tencent
    assert resolve(typed) == tencent
    response = client.get(reverse("articles:ticker", kwargs={"ticker": typed}))
    assert response.status_code == 301
    assert response["Location"] == tencent.get_absolute_url()
    filtered = ArticleFilter({"company": typed}, queryset=Article.objects.live())
    assert [a.headline for a in filtered.qs] == ["微信用戶"]
    assert filtered.unknown_messages() == []
    assert _search_headlines(client, typed) == ["微信用戶", "騰訊回購"]


@pytest.mark.django_db
def test_bare_number_no_company_has_stays_a_number(client, tencent):
    assert resolve("2024") is None
    assert Ticker.objects.lookup("2024") is None


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["00700", "700 HK Equity", "港交所：700", "９９８８"])
def test_admin_company_search_takes_every_spelling(editor_client, typed):
    make_company("0700.HK", name="騰訊控股", name_en="Tencent")
    make_company("9988.HK", name="阿里巴巴", name_en="Alibaba")
    response = editor_client.get(
        reverse("admin:companies_company_changelist"), {"q": typed}
    )
    names = [c.name for c in response.context["cl"].result_list]
    assert names == (["阿里巴巴"] if "９" in typed else ["騰訊控股"])


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["00700", "700 HK", "HKEX: 700", "0700.HK"])
def test_admin_article_search_takes_every_spelling(editor_client, tencent, typed):
    response = editor_client.get(
        reverse("admin:articles_article_changelist"), {"q": typed}
    )
    headlines = sorted(a.headline for a in response.context["cl"].result_list)
    assert headlines == ["微信用戶", "騰訊回購"]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["腾讯", "騰訊", "腾讯控股", "Tencent"])
def test_admin_company_search_finds_names_in_either_script(editor_client, typed):
    make_company("0700.HK", name="騰訊控股", name_en="Tencent")
    make_company("9988.HK", name="阿里巴巴", name_en="Alibaba")
    url = reverse("admin:companies_company_changelist")
    response = editor_client.get(url, {"q": typed})
    assert [c.name for c in response.context["cl"].result_list] == ["騰訊控股"]


def mainland_and_us_spellings():
    moutai = st.sampled_from(
        [
            "600519",
            "600519.SS",
            "600519.sh",
            "SH600519",
            "sh600519",
            "600519 CH",
            "600519 CH Equity",
            "上交所：600519",
            "６００５１９",
        ]
    ).map(lambda s: (s, "600519.SH"))
    alibaba = st.sampled_from(
        [
            "BABA",
            "baba",
            "NYSE: BABA",
            "BABA.N",
            "BABA US",
            "BABA US Equity",
            "ＢＡＢＡ",
            "baba.us",
        ]
    ).map(lambda s: (s, "BABA.US"))
    return st.one_of(moutai, alibaba)


@pytest.mark.django_db
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=mainland_and_us_spellings())
def test_a_shares_and_us_symbols_reach_their_company_in_every_spelling(client, case):
    typed, ticker = case
    symbol, _dot, exchange = ticker.rpartition(".")
    found = Ticker.objects.filter(exchange=exchange, symbol=symbol).first()
    company = found.company if found else make_company(ticker, name_en=ticker)
    assert resolve(typed) == company
    response = client.get(reverse("articles:ticker", kwargs={"ticker": typed}))
    assert response["Location"] == company.get_absolute_url()
