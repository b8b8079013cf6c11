"""The analyser: one set of terms for documents and queries."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.search.analysis import (
    MAX_QUERY_LENGTH,
    MAX_TERM_LENGTH,
    analyse,
    is_cjk,
    parse_query,
)


def test_scripts_and_variants_fold_to_one_form():
    assert analyse("雲知聲") == analyse("云知声") == ["云知", "知声", "声"]
    assert analyse("阿裏巴巴") == analyse("阿里巴巴") == analyse("阿裡巴巴")


def test_cjk_runs_become_bigrams_and_the_last_character():
    assert analyse("光伏板塊") == ["光伏", "伏板", "板块", "块"]
    assert analyse("光") == ["光"]


def test_latin_is_lower_cased_and_split_into_words_and_numbers():
    assert analyse("Interest-Rate cut, ＮＩＯ 5G 2024年") == [
        "interest",
        "rate",
        "cut",
        "nio",
        "5g",
        "2024",
        "年",
    ]


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("雲知聲（6638.HK）", ["云知", "知声", "声", "6638.hk", "6638"]),
        ("(ocft.us)", ["ocft.us", "ocft"]),
        ("微創 853.hk", ["微创", "创", "0853.hk", "0853", "853"]),
        ("港交所：2202", ["港交", "交所", "所", "2202.hk", "2202"]),
        ("NYSE: OCFT", ["ocft.us", "ocft"]),
    ],
)
def test_tickers_are_kept_whole_with_their_bare_symbol(text, terms):
    assert analyse(text) == terms


def test_query_units():
    query = parse_query('雲知聲 6638.HK "光伏 板塊" 光 solar')
    assert [(u.terms, u.prefix) for u in query.units] == [
        (("云知", "知声"), False),
        (("6638.hk",), False),
        (("光伏", "伏", "板块"), False),
        (("光",), True),
        (("solar",), False),
    ]


def test_query_is_capped():
    query = parse_query("光伏" * 100)
    assert query.truncated and len(query.text) == MAX_QUERY_LENGTH


@pytest.mark.parametrize(
    "text", ["", "   ", "，。！？", "\" * : ^ ( ) ' \\ \x00", "“”"]
)
def test_punctuation_only_queries_have_no_units(text):
    assert not parse_query(text)


def _allowed(term: str) -> bool:
    return all(c.isalnum() or c == "." for c in term)


@given(st.text())
def test_analyser_never_raises_and_terms_are_safe(text):
    for term in analyse(text):
        assert term and " " not in term and _allowed(term)
        assert len(term) <= MAX_TERM_LENGTH or term.count(".") == 1
    for unit in parse_query(text).units:
        assert all(_allowed(term) for term in unit.terms)


_cjk_text = st.text(
    alphabet=st.sampled_from("雲知聲云知声阿裏里巴光伏地產产回購购，。 AB12.（）"),
    max_size=40,
)


def _contains_phrase(terms: list[str], phrase: tuple[str, ...], prefix: bool) -> bool:
    n = len(phrase)
    for i in range(len(terms) - n + 1):
        window = terms[i : i + n]
        if window[:-1] == list(phrase[:-1]) and (
            window[-1].startswith(phrase[-1]) if prefix else window[-1] == phrase[-1]
        ):
            return True
    return False


@given(_cjk_text, st.data())
def test_any_cjk_substring_of_a_document_finds_it(text, data):
    """Document and query analysis agree: every run of CJK characters taken
    from a document's text, queried, matches the document's terms."""
    runs = [(i, j) for i in range(len(text)) for j in range(i + 1, len(text) + 1)]
    runs = [(i, j) for i, j in runs if all(is_cjk(c) for c in text[i:j])]
    if not runs:
        return
    i, j = data.draw(st.sampled_from(runs))
    terms = analyse(text)
    query = parse_query(text[i:j])
    assert query
    for unit in query.units:
        assert _contains_phrase(terms, unit.terms, unit.prefix), (text, text[i:j])
