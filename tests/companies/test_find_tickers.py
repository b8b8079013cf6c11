"""Finding tickers in copy: every form copy uses, and none of the look-alikes."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companies.tickers import (
    TickerMention,
    TickerSymbol,
    find_tickers,
    normalise_ticker,
    parse_ticker,
    unique_tickers,
)


def found(text):
    """(matched text, normalised ticker) for each mention, checking positions."""
    mentions = find_tickers(text)
    for m in mentions:
        assert text[m.start : m.end] == m.text
    return [(m.text, str(m.ticker)) for m in mentions]


# --- brackets -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("隆基綠能(601012.SH)公布業績", [("601012.SH", "601012.SH")]),
        ("微創醫療（0853.HK）回購", [("0853.HK", "0853.HK")]),
        ("上海機場(600009.SS)", [("600009.SS", "600009.SH")]),
        ("香港交易所(388.HKG)", [("388.HKG", "0388.HK")]),
        ("香港交易所(0388.HKEX)", [("0388.HKEX", "0388.HK")]),
        ("微創醫療(853.hk)", [("853.hk", "0853.HK")]),
        ("阿里巴巴(BABA.N)", [("BABA.N", "BABA.US")]),
        ("京東(JD.O)", [("JD.O", "JD.US")]),
        ("貝殼(ocft.us)", [("ocft.us", "OCFT.US")]),
        ("某北交所公司(430047.BJ)", [("430047.BJ", "430047.BJ")]),
        ("台積電(2330.TW)", [("2330.TW", "2330.TW")]),
        ("星展(D05.SG)", [("D05.SG", "D05.SG")]),
        ("星展(D05.SI)", [("D05.SI", "D05.SG")]),
        ("豐田(7203.T)", [("7203.T", "7203.JP")]),
        ("豐田(7203.JP)", [("7203.JP", "7203.JP")]),
        ("三星電子(005930.KS)", [("005930.KS", "005930.KS")]),
        ("巴郡(BRK.B.US)", [("BRK.B.US", "BRK.B.US")]),
    ],
)
def test_code_dot_exchange_in_brackets_is_found_and_normalised(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "separator", ["; ", ";", "；", "，", ", ", ",", "、", " 、 ", " and ", " & ", "&"]
)
def test_several_tickers_in_one_bracket_are_each_found(separator):
    text = f"壹賬通金融科技有限公司(OCFT.US{separator}6638.HK)近日公布"
    assert found(text) == [("OCFT.US", "OCFT.US"), ("6638.HK", "6638.HK")]


def test_three_tickers_in_full_width_brackets():
    text = "三地上市的公司（1276.HK；600276.SH；ABC.US）"
    assert found(text) == [
        ("1276.HK", "1276.HK"),
        ("600276.SH", "600276.SH"),
        ("ABC.US", "ABC.US"),
    ]


def test_positions_point_at_each_ticker_in_the_original_text():
    text = "萬科（2202.HK；000002.SZ）"
    first, second = find_tickers(text)
    assert first == TickerMention(TickerSymbol("HK", "2202"), 3, 10, "2202.HK")
    assert second == TickerMention(TickerSymbol("SZ", "000002"), 11, 20, "000002.SZ")


# --- prefixes and labels --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mention", "ticker"),
    [
        ("壹賬通 NYSE:OCFT 公布", "NYSE:OCFT", "OCFT.US"),
        ("晶科能源 NASDAQ: JKS 上漲", "NASDAQ: JKS", "JKS.US"),
        ("晶科能源 Nasdaq:JKS 上漲", "Nasdaq:JKS", "JKS.US"),
        ("壹賬通 HKEX: 6638 下跌", "HKEX: 6638", "6638.HK"),
        ("壹賬通 HKEX:06638 下跌", "HKEX:06638", "6638.HK"),
        ("某公司 SEHK:9863 公布", "SEHK:9863", "9863.HK"),
        ("隆基 SSE:601012 公布", "SSE:601012", "601012.SH"),
        ("萬科 SZSE: 000002 公布", "SZSE: 000002", "000002.SZ"),
        ("恒瑞 SHA:600276 公布", "SHA:600276", "600276.SH"),
        ("比亞迪 SHE:002594 公布", "SHE:002594", "002594.SZ"),
        ("微創 HKG:0853 公布", "HKG:0853", "0853.HK"),
        ("壹賬通 NYSE：OCFT 公布", "NYSE：OCFT", "OCFT.US"),
        ("萬科（港交所：2202）公布", "港交所：2202", "2202.HK"),
        ("隆基綠能（上交所：601012）", "上交所：601012", "601012.SH"),
        ("隆基綠能（上證:601012）", "上證:601012", "601012.SH"),
        ("萬科（深交所：000002）", "深交所：000002", "000002.SZ"),
        ("晶科（納斯達克：JKS）", "納斯達克：JKS", "JKS.US"),
        ("晶科（纳斯达克：JKS）", "纳斯达克：JKS", "JKS.US"),
        ("壹賬通（紐交所：OCFT）", "紐交所：OCFT", "OCFT.US"),
        ("壹賬通（纽交所：OCFT）", "纽交所：OCFT", "OCFT.US"),
        ("壹賬通金融科技有限公司（股份代號：6638）", "股份代號：6638", "6638.HK"),
        ("本公司（股票代號：6638）", "股票代號：6638", "6638.HK"),
        ("本公司（股份代码：6638）", "股份代码：6638", "6638.HK"),
        ("OneConnect (stock code: 6638) said", "stock code: 6638", "6638.HK"),
        ("OneConnect (NYSE: OCFT) today announced", "NYSE: OCFT", "OCFT.US"),
        ("OneConnect (HKEX:6638.HK)", "HKEX:6638.HK", "6638.HK"),
        ("Alibaba NYSE: BABA.N", "NYSE: BABA.N", "BABA.US"),
        ("Berkshire NYSE: BRK.B.", "NYSE: BRK.B", "BRK.B.US"),
    ],
)
def test_prefixed_code_is_found_with_its_prefix(text, mention, ticker):
    assert found(text) == [(mention, ticker)]


def test_prefixed_forms_share_a_bracket():
    text = "OneConnect (NYSE: OCFT; HKEX: 6638) reported"
    assert found(text) == [("NYSE: OCFT", "OCFT.US"), ("HKEX: 6638", "6638.HK")]


def test_prefixed_forms_separated_by_a_bare_comma_are_both_found():
    assert found("NASDAQ:JKS,HKEX:6638") == [
        ("NASDAQ:JKS", "JKS.US"),
        ("HKEX:6638", "6638.HK"),
    ]


def test_prefixed_code_with_its_suffix_shares_a_bracket_with_a_lower_case_one():
    assert found("(HKEX:6638.HK; 0853.hk)") == [
        ("HKEX:6638.HK", "6638.HK"),
        ("0853.hk", "0853.HK"),
    ]


def test_prefix_contradicting_its_suffix_is_skipped():
    assert found("HKEX: 6638.US") == []


# --- running text ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mention", "ticker"),
    [
        ("過去五年隆基綠能 601012.SH 股價累計下跌", "601012.SH", "601012.SH"),
        ("隆基綠能601012.SH股價下跌", "601012.SH", "601012.SH"),
        ("Shares of 0853.HK rose.", "0853.HK", "0853.HK"),
        ("Watch 2024.HK today", "2024.HK", "2024.HK"),
        ("代號為2024.HK的公司", "2024.HK", "2024.HK"),
        ("豐田 7203.T 走高", "7203.T", "7203.JP"),
        ("阿里 BABA.N 走高", "BABA.N", "BABA.US"),
        ("ocft.US 收市", "ocft.US", "OCFT.US"),
    ],
)
def test_bare_ticker_in_running_text_is_found(text, mention, ticker):
    assert found(text) == [(mention, ticker)]


# --- sentences in the shapes of real copy ----------------------------------------


def test_sentence_with_two_fintech_companies():
    text = (
        "平安系的兩家金融科技公司壹賬通(OCFT.US; 6638.HK)與陸金所控股"
        "(LU.US; 6623.HK)今年股價表現均落後大市。"
    )
    assert unique_tickers(text) == [
        parse_ticker("OCFT.US"),
        parse_ticker("6638.HK"),
        parse_ticker("LU.US"),
        parse_ticker("6623.HK"),
    ]


def test_sentence_with_three_solar_companies():
    text = (
        "光伏行業整體承壓，隆基綠能(601012.SH)與通威股份（600438.SH）利潤收窄，"
        "晶科能源(688223.SH, JKS.US)市值較高位回落逾五成。"
    )
    assert [str(t) for t in unique_tickers(text)] == [
        "601012.SH",
        "600438.SH",
        "688223.SH",
        "JKS.US",
    ]


def test_sentence_with_property_developers_and_numbers_around_them():
    text = (
        "2024年上半年，萬科（2202.HK；000002.SZ）銷售額按年減少約三成，"
        "碧桂園(2007.HK)股價跌至0.45港元，市盈率僅2.5倍。"
    )
    assert found(text) == [
        ("2202.HK", "2202.HK"),
        ("000002.SZ", "000002.SZ"),
        ("2007.HK", "2007.HK"),
    ]


def test_sentence_with_ai_listings_and_a_press_contact():
    text = (
        "智谱AI（2513.HK）與MiniMax(0100.HK)先後招股，"
        "查詢請電郵 ir@onecon.hk 或致電 +852 2345 6789。"
    )
    assert found(text) == [("2513.HK", "2513.HK"), ("0100.HK", "0100.HK")]


def test_press_release_sentence_in_english():
    text = (
        "OneConnect Financial Technology Co., Ltd. (NYSE:OCFT; HKEX: 6638), "
        "a technology-as-a-service provider, reported results on 2024.08.15."
    )
    assert found(text) == [("NYSE:OCFT", "OCFT.US"), ("HKEX: 6638", "6638.HK")]


def test_repeated_ticker_is_listed_once_by_unique_tickers():
    text = "微創醫療(0853.HK)……微創醫療（853.HK）"
    assert len(find_tickers(text)) == 2
    assert unique_tickers(text) == [TickerSymbol("HK", "0853")]


# --- look-alikes ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "數據截至2024.07",
        "會議於2024.07.15舉行",
        "(2024.07)",
        "07.2024出版",
        "股價收報4.33港元",
        "股價收報 HK$4.33",
        "每股派 US$1.2",
        "升幅12.5%",
        "(12.5%)",
        "市賬率2.5倍",
        "指數報 1.234 點",
        "2025年展望",
        "致電 +852 2345 6789",
        "熱線 2345-6789",
        "https://example.com/6638.HK",
        "見 https://example.com/a/6638.HK/",
        "www.hkex.com.hk",
        "ir@onecon.hk",
        "電郵ir@x.hk查詢",
        "(ir@onecon.hk)",
        "contact IR@ONECON.HK now",
        "附件 report_6638.HK.pdf",
        "附件 6638.HK.pdf",
        "恒生醫療保健指數(HSHCI)",
        "恒指(HSI)與滬深300(CSI300)",
        "升級到 v2.5.1 版",
        "Python 3.11",
        "股份 6638 今日停牌",
        "編號 6638",
        "港交所：9月數據",
        "上證：3,000點",
        "港交所: 12,345 股",
        "HKEX: 2345-6789",
        "HKEX: 6638.5",
        "visit news.us or onecon.hk",
        "J.O. Smith said",
        "she: 600276",
        "12345678.HK",
        "(12345678.HK)",
        "(AB.SH)",
        "AB.SH",
        "1,234.HK",
        "x6638.HK",
        "6638.HKD",
        "6638.HK2",
        "(2.5T)",
        "規模 1.2T",
    ],
)
def test_look_alike_is_not_a_ticker(text):
    assert find_tickers(text) == []


def test_invalid_symbol_is_skipped_but_its_neighbour_is_kept():
    assert found("(12345678.HK; 6638.HK)") == [("6638.HK", "6638.HK")]
    assert found("(AB.SH、601012.SH)") == [("601012.SH", "601012.SH")]


def test_text_with_no_tickers_gives_empty_lists():
    assert find_tickers("") == []
    assert unique_tickers("今日港股全日窄幅上落。") == []


def test_pathological_inputs_finish():
    """Runs without a time limit: a catastrophic regex would hang here."""
    for text in [
        "(" * 50000 + "1." * 25000,
        "（" + "1.HK、" * 20000,
        "(" + "OCFT.US; " * 10000 + "x",
        "NYSE:" * 20000,
        "a" * 100000 + ".HK",
        "9" * 100000 + ".HK",
        "." * 100000,
        "(" + " " * 100000,
        "股份代號：" * 20000,
    ]:
        find_tickers(text)


# --- properties -----------------------------------------------------------------

_alphabet = st.sampled_from(
    list("0123456789ABCHKSUSZNOTabchksz.．。()（）[]:：;；,，、&@/-_ %$+#")
    + list(" \u3000\n")
    + list("萬科隆基綠能港交所上證深交所股份代號年月日點倍元")
    + ["HK", "US", "SH", "SZ", "SS", "NYSE", "HKEX", "and", "www.", "http://"]
)
_texts = st.one_of(
    st.text(),
    st.lists(_alphabet, max_size=80).map("".join),
)


@settings(max_examples=500)
@given(_texts)
def test_find_tickers_never_raises(text):
    find_tickers(text)
    unique_tickers(text)


@settings(max_examples=500)
@given(_texts)
def test_found_tickers_are_normalised_and_round_trip(text):
    for m in find_tickers(text):
        assert normalise_ticker(str(m.ticker)) == str(m.ticker)
        assert parse_ticker(str(m.ticker)) == m.ticker


@settings(max_examples=500)
@given(_texts)
def test_positions_are_in_bounds_ordered_and_disjoint(text):
    last_end = 0
    for m in find_tickers(text):
        assert last_end <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        last_end = m.end


_digits = "0123456789"
_upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_codes = st.one_of(
    st.tuples(
        st.integers(1, 99999).map(str),
        st.sampled_from(["HK", "hk", "HKG", "HKEX"]),
    ),
    st.tuples(
        st.text(_upper, min_size=1, max_size=5),
        st.sampled_from(["US", "us", "N", "O"]),
    ),
    st.tuples(
        st.text(_digits, min_size=6, max_size=6),
        st.sampled_from(["SH", "SS", "SZ", "BJ", "KS"]),
    ),
    st.tuples(st.text(_digits, min_size=4, max_size=6), st.just("TW")),
    st.tuples(st.text(_digits, min_size=4, max_size=4), st.sampled_from(["T", "JP"])),
).filter(lambda t: not (t[1] == "HK" and set(t[0]) == {"0"}))
_VENDOR_SUFFIXES = {"N": "US", "O": "US", "T": "JP"}
_cjk = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=30)


@settings(max_examples=300)
@given(_cjk, _codes, _cjk)
def test_bracketed_ticker_inserted_into_chinese_text_is_found(before, code, after):
    symbol, exchange = code
    mention = f"{symbol}.{exchange}"
    text = f"{before}({mention}){after}"
    # .N and .O are vendor suffixes for US listings, not exchange aliases.
    expected = normalise_ticker(f"{symbol}.{_VENDOR_SUFFIXES.get(exchange, exchange)}")
    assert found(text) == [(mention, expected)]
    assert find_tickers(text)[0].start == len(before) + 1


@settings(max_examples=300)
@given(_cjk, st.lists(_codes, min_size=1, max_size=4), _cjk)
def test_found_mentions_survive_reinsertion_into_other_text(before, codes, after):
    source = "、".join(f"{s}.{e}" for s, e in codes)
    for m in find_tickers(f"（{source}）"):
        text = f"{before}（{m.text}）{after}"
        assert [t.ticker for t in find_tickers(text)] == [m.ticker]
