"""Ticker spelling: one normalised form per listing, clear refusals otherwise."""

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from companies.tickers import (
    EXCHANGE_ALIASES,
    Exchange,
    InvalidTicker,
    TickerSymbol,
    normalise_exchange,
    normalise_symbol,
    normalise_ticker,
    parse_ticker,
)

# --- examples -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["853.HK", "0853.HK", "00853.hk", "853.hk", "0853.Hk"])
def test_hk_spellings_of_one_listing_normalise_to_one_ticker(text):
    assert normalise_ticker(text) == "0853.HK"


def test_hk_symbol_is_zero_padded_to_four_digits():
    assert normalise_symbol("HK", "1") == "0001"
    assert normalise_symbol("HK", "853") == "0853"
    assert normalise_symbol("HK", "6638") == "6638"


def test_hk_five_digit_symbol_is_kept_as_is():
    assert normalise_ticker("09988.HK") == "9988.HK"
    assert normalise_ticker("80737.HK") == "80737.HK"


def test_hk_extra_leading_zeros_are_dropped():
    assert normalise_ticker("000853.HK") == "0853.HK"


def test_us_symbol_is_upper_cased():
    assert normalise_ticker("ocft.us") == "OCFT.US"


@pytest.mark.parametrize("text", ["BRK-B.US", "brk/b.us", "BRK.B.US", "brk.b.nasdaq"])
def test_us_share_class_is_written_with_a_dot(text):
    assert normalise_ticker(text) == "BRK.B.US"


def test_shanghai_ss_suffix_becomes_sh():
    assert normalise_ticker("601012.SS") == "601012.SH"


def test_surrounding_spaces_are_ignored():
    assert normalise_ticker("  853 . hk ") == "0853.HK"


@pytest.mark.parametrize(
    ("alias", "code"),
    [
        ("HKG", "HK"),
        ("hkex", "HK"),
        ("SEHK", "HK"),
        ("SS", "SH"),
        ("SSE", "SH"),
        ("SZSE", "SZ"),
        ("SHE", "SZ"),
        ("NASDAQ", "US"),
        ("nyse", "US"),
        ("NYSE American", "US"),
        ("NYSE-AMERICAN", "US"),
        ("TWSE", "TW"),
        ("SGX", "SG"),
        ("TYO", "JP"),
        ("KRX", "KS"),
        ("BSE", "BJ"),
    ],
)
def test_exchange_aliases_map_to_our_codes(alias, code):
    assert normalise_exchange(alias) == code


@pytest.mark.parametrize("code", Exchange.values)
def test_our_exchange_codes_are_accepted_in_any_case(code):
    assert normalise_exchange(code.lower()) == code


def test_every_alias_points_at_a_known_exchange():
    assert set(EXCHANGE_ALIASES.values()) <= set(Exchange.values)


def test_unknown_exchange_is_refused_with_the_known_codes():
    with translation.override("en"), pytest.raises(InvalidTicker) as excinfo:
        normalise_exchange("LSE")
    message = str(excinfo.value)
    assert "LSE" in message
    assert "HK" in message and "US" in message


def test_exchange_that_upper_cases_to_a_known_code_is_refused():
    # "ſh".upper() == "SH" and "ß".upper() == "SS"; neither is a real code.
    for text in ["ſh", "ß"]:
        with pytest.raises(InvalidTicker):
            normalise_exchange(text)


def test_parse_ticker_returns_exchange_and_symbol():
    assert parse_ticker("853.hkg") == TickerSymbol(exchange="HK", symbol="0853")
    assert str(parse_ticker("853.hkg")) == "0853.HK"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("12345678.HK", "12345678"),
        ("100000.HK", "100000"),
        ("0.HK", "0"),
        ("0000.HK", "0000"),
        ("AB.SH", "AB"),
        ("12345.SZ", "12345"),
        ("TOOLONG.US", "TOOLONG"),
        ("ß.US", "ß"),
        ("12.TW", "12"),
    ],
)
def test_invalid_symbol_is_refused_naming_the_symbol(text, named):
    with translation.override("en"), pytest.raises(InvalidTicker) as excinfo:
        normalise_ticker(text)
    assert f"“{named}” is not a valid" in str(excinfo.value)


def test_invalid_hk_symbol_message_explains_the_rule():
    with (
        translation.override("en"),
        pytest.raises(InvalidTicker, match="Hong Kong codes are 1 to 5 digits"),
    ):
        normalise_ticker("12345678.HK")


@pytest.mark.parametrize("text", ["", "HK", ".HK", "853.", "   ", "HKEX:"])
def test_text_without_code_and_exchange_is_refused(text):
    with (
        translation.override("en"),
        pytest.raises(InvalidTicker, match="CODE.EXCHANGE"),
    ):
        normalise_ticker(text)


def test_hk_symbol_with_thousands_of_digits_is_refused_cleanly():
    # int() refuses strings of more than 4,300 digits with a plain ValueError.
    with pytest.raises(InvalidTicker):
        normalise_ticker("9" * 5000 + ".HK")
    with pytest.raises(InvalidTicker):
        normalise_ticker("0" * 5000 + ".HK")


def test_invalid_ticker_is_a_value_error():
    assert issubclass(InvalidTicker, ValueError)


# --- properties ---------------------------------------------------------------

_upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_letters = _upper + _upper.lower()


def _digits(min_size, max_size):
    return st.text("0123456789", min_size=min_size, max_size=max_size)


def _with_exchange(symbols, *exchanges):
    return st.tuples(symbols, st.sampled_from(exchanges)).map(
        lambda t: f"{t[0]}.{t[1]}"
    )


_hk = _with_exchange(
    st.integers(1, 99999).flatmap(
        lambda n: st.sampled_from([str(n), f"{n:04d}", f"{n:05d}"])
    ),
    "HK",
    "hk",
    "HKG",
    "SEHK",
)
_us = _with_exchange(
    st.tuples(
        st.text(_letters, min_size=1, max_size=5),
        st.one_of(
            st.just(""),
            st.tuples(st.sampled_from(".-/"), st.sampled_from(_letters)).map("".join),
        ),
    ).map("".join),
    "US",
    "us",
    "NASDAQ",
    "NYSE",
)
_six_digits = _with_exchange(
    _digits(6, 6), "SH", "SS", "SZ", "SZSE", "BJ", "KS", "sh", "sz"
)
_tw = _with_exchange(_digits(4, 6), "TW", "TWSE")
_sg = _with_exchange(st.text(_letters + "0123456789", min_size=3, max_size=4), "SG")
_jp = _with_exchange(
    st.tuples(_digits(3, 3), st.sampled_from("0123456789" + _letters)).map("".join),
    "JP",
    "T",
    "TYO",
)
valid_tickers = st.one_of(_hk, _us, _six_digits, _tw, _sg, _jp)


@settings(max_examples=200)
@given(valid_tickers)
def test_normalising_is_idempotent(text):
    once = normalise_ticker(text)
    assert normalise_ticker(once) == once


@settings(max_examples=200)
@given(valid_tickers)
def test_parsed_ticker_round_trips_through_its_string(text):
    parsed = parse_ticker(text)
    assert parse_ticker(str(parsed)) == parsed
    assert str(parse_ticker(str(parsed))) == str(parsed)


@settings(max_examples=200)
@given(valid_tickers)
def test_normalised_ticker_is_ascii_upper_case(text):
    once = normalise_ticker(text)
    assert once.isascii()
    assert once == once.upper()


@settings(max_examples=200)
@given(st.text())
def test_arbitrary_text_raises_nothing_but_invalid_ticker(text):
    try:
        result = normalise_ticker(text)
    except InvalidTicker:
        return
    assert normalise_ticker(result) == result


@settings(max_examples=200)
@given(st.text(), st.sampled_from(Exchange.values))
def test_arbitrary_symbol_on_each_exchange_raises_nothing_but_invalid_ticker(
    symbol, exchange
):
    try:
        normalise_symbol(exchange, symbol)
    except InvalidTicker:
        pass


@settings(max_examples=200)
@given(st.integers(1, 99999))
def test_hk_codes_equal_as_numbers_normalise_alike(n):
    assert normalise_ticker(f"{n}.HK") == normalise_ticker(f"{n:05d}.HK")
    assert normalise_ticker(f"{n}.HK") == f"{n:04d}.HK"
