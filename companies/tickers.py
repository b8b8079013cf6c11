"""Ticker symbols: the exchanges we know and how a symbol is normalised.

A ticker is an exchange code plus a symbol, written ``SYMBOL.EXCHANGE``
(``6638.HK``, ``OCFT.US``, ``601012.SH``). Normalising makes one spelling per
listing, so ``853.hk``, ``0853.HK`` and ``00853.HK`` are the same ticker.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Exchange(models.TextChoices):
    HK = "HK", _("Hong Kong")
    US = "US", _("United States")
    SH = "SH", _("Shanghai")
    SZ = "SZ", _("Shenzhen")
    BJ = "BJ", _("Beijing")
    TW = "TW", _("Taiwan")
    SG = "SG", _("Singapore")
    JP = "JP", _("Tokyo")
    KS = "KS", _("Korea")


# Other codes that copy and data vendors use for the same markets.
EXCHANGE_ALIASES = {
    "HKG": "HK",
    "HKEX": "HK",
    "SEHK": "HK",
    "SS": "SH",
    "SSE": "SH",
    "SHA": "SH",
    "SHSE": "SH",
    "SZSE": "SZ",
    "SHE": "SZ",
    "BSE": "BJ",
    "NYSE": "US",
    "NASDAQ": "US",
    "NYSEAMERICAN": "US",
    "AMEX": "US",
    "TWSE": "TW",
    "TPE": "TW",
    "SGX": "SG",
    "SI": "SG",
    "TYO": "JP",
    "TSE": "JP",
    "T": "JP",
    "KRX": "KS",
    "KOSPI": "KS",
}

# What a symbol looks like on each exchange, once normalised, and how to say
# so to an editor when it does not.
_RULES = {
    "HK": (
        re.compile(r"\d{4,5}"),
        _("Hong Kong codes are 1 to 5 digits, e.g. 0853 or 6638."),
    ),
    "US": (
        re.compile(r"[A-Z]{1,5}(\.[A-Z])?"),
        _("US symbols are 1 to 5 letters with an optional class, e.g. OCFT or BRK.B."),
    ),
    "SH": (re.compile(r"\d{6}"), _("Shanghai codes are 6 digits, e.g. 601012.")),
    "SZ": (re.compile(r"\d{6}"), _("Shenzhen codes are 6 digits, e.g. 000002.")),
    "BJ": (re.compile(r"\d{6}"), _("Beijing codes are 6 digits, e.g. 430047.")),
    "TW": (re.compile(r"\d{4,6}"), _("Taiwan codes are 4 to 6 digits, e.g. 2330.")),
    "SG": (
        re.compile(r"[A-Z0-9]{3,4}"),
        _("Singapore codes are 3 or 4 letters or digits, e.g. D05."),
    ),
    "JP": (
        re.compile(r"\d{3}[0-9A-Z]"),
        _("Tokyo codes are 4 characters, e.g. 7203 or 130A."),
    ),
    "KS": (re.compile(r"\d{6}"), _("Korean codes are 6 digits, e.g. 005930.")),
}


class InvalidTicker(ValueError):
    """A symbol or exchange that cannot be a listing; the message says why."""


@dataclass(frozen=True, order=True)
class TickerSymbol:
    exchange: str
    symbol: str

    def __str__(self) -> str:
        return f"{self.symbol}.{self.exchange}"


def normalise_exchange(exchange: str) -> str:
    """``"hkg"`` → ``"HK"``; raises InvalidTicker for an exchange we do not know."""
    code = re.sub(r"[\s_-]", "", str(exchange))
    # Upper-case ASCII only: "ß".upper() is "SS", which would pass for Shanghai.
    code = code.upper() if code.isascii() else code
    code = EXCHANGE_ALIASES.get(code, code)
    if code not in Exchange.values:
        raise InvalidTicker(
            _("Unknown exchange “%(exchange)s”. Use one of: %(known)s.")
            % {"exchange": exchange, "known": ", ".join(Exchange.values)}
        )
    return code


def normalise_symbol(exchange: str, symbol: str) -> str:
    """The one spelling of ``symbol`` on ``exchange`` (already normalised)."""
    raw = str(symbol).strip()
    # Upper-case ASCII only: "ß".upper() is "SS", "ı".upper() is "I".
    raw = raw.upper() if raw.isascii() else raw
    if exchange == "HK" and raw.isdigit() and raw.isascii():
        # 853, 0853 and 00853 are one listing; HKEX quotes four digits at least.
        # No int(): 0 is no listing, and int() refuses over 4,300 digits.
        digits = raw.lstrip("0")
        raw = digits.zfill(4) if 0 < len(digits) <= 5 else ""
    elif exchange == "US":
        raw = re.sub(r"[-/]", ".", raw)
    pattern, help_text = _RULES[exchange]
    if not raw.isascii() or not pattern.fullmatch(raw):
        raise InvalidTicker(
            _("“%(symbol)s” is not a valid %(exchange)s ticker. %(help)s")
            % {"symbol": symbol, "exchange": exchange, "help": help_text}
        )
    return raw


def parse_ticker(text: str) -> TickerSymbol:
    """Parse ``SYMBOL.EXCHANGE`` (any case, exchange aliases allowed)."""
    cleaned = str(text).strip()
    symbol, dot, exchange = cleaned.rpartition(".")
    if not dot or not symbol or not exchange:
        raise InvalidTicker(
            _("“%(text)s” is not a ticker; write it as CODE.EXCHANGE, e.g. 6638.HK.")
            % {"text": text}
        )
    code = normalise_exchange(exchange)
    return TickerSymbol(code, normalise_symbol(code, symbol))


def normalise_ticker(text: str) -> str:
    """``normalise_ticker("853.hk") == "0853.HK"``."""
    return str(parse_ticker(text))


# --- finding tickers in copy ----------------------------------------------------
#
# Copy writes tickers three ways: after a company name in brackets, "隆基綠能
# (601012.SH)" or "萬科（2202.HK；000002.SZ）"; behind an exchange prefix or label,
# "NYSE:OCFT", "港交所：2202", "股份代號：6638"; and bare in running text,
# "隆基綠能 601012.SH 股價". Most dotted numbers in financial copy are not tickers
# (dates, prices, ratios, versions, domains), so each form earns trust from its
# context, and a mention is only kept if the normaliser accepts it:
# - A suffix must be an exchange we know; "2024.07" or "1.234" never qualify.
# - A token glued to a word, number, dot, "@", "/", ":" or "-" on the left, or
#   followed by a word, "@", "/", "-" or ".x" on the right, is part of something
#   else: an e-mail (ir@onecon.hk), a URL path (example.com/6638.HK), a host
#   (www.hkex.com.hk), a file name (6638.HK.pdf) or a longer number.
# - Bare tokens need an upper-case suffix: in running text "news.us" or "x.hk"
#   is a domain far more often than a ticker. So "2024.HK" after a space or a
#   Chinese character is a ticker, "ir@x.hk" never is.
# - One-letter suffixes (.N, .O, .T) in running text need a symbol of two or
#   more characters, so initials like "J.O." are not read as tickers.
# - A bracket that holds nothing but tickers and separators is trusted fully:
#   any case, any suffix ("(ocft.us)", "(F.N)").
# - A number behind a prefix or label must stand alone: "港交所：9月" (a month),
#   "上證：3,000點" (a level) are quantities, so digits followed straight by a
#   Chinese character, a decimal (".5") or a thousands group (",000") are not
#   codes.
# Every pattern is a bounded or atomic loop, so the scan is linear in the text.

_SUFFIX_EXCHANGES = {
    "HKEX": "HK",
    "HKG": "HK",
    "HK": "HK",
    "US": "US",
    "N": "US",  # NYSE, as data vendors write it (BABA.N)
    "O": "US",  # Nasdaq (JD.O)
    "SH": "SH",
    "SS": "SH",
    "SZ": "SZ",
    "BJ": "BJ",
    "TW": "TW",
    "SG": "SG",
    "SI": "SG",
    "JP": "JP",
    "T": "JP",
    "KS": "KS",
}
_ASCII_PREFIXES = [
    "NYSE American",
    "NYSE",
    "NASDAQ",
    "AMEX",
    "HKEX",
    "SEHK",
    "HKG",
    "SSE",
    "SHSE",
    "SHA",
    "SZSE",
    "SHE",
    "BSE",
    "TWSE",
    "TPE",
    "SGX",
    "TYO",
    "TSE",
    "KRX",
    "KOSPI",
]
_CJK_PREFIXES = {
    "香港交易所": "HK",
    "港交所": "HK",
    "聯交所": "HK",
    "联交所": "HK",
    "上交所": "SH",
    "上證": "SH",
    "上证": "SH",
    "深交所": "SZ",
    "深證": "SZ",
    "深证": "SZ",
    "北交所": "BJ",
    "納斯達克": "US",
    "纳斯达克": "US",
    "紐交所": "US",
    "纽交所": "US",
    # Labels that Hong Kong filings put before a stock code.
    "股份代號": "HK",
    "股份代碼": "HK",
    "股份代码": "HK",
    "股票代號": "HK",
    "股票代碼": "HK",
    "股票代码": "HK",
}
_LABEL_PREFIXES = {"stock code": "HK", "Stock code": "HK", "Stock Code": "HK"}


def _alternation(words):
    # Longest first, so "HKEX" is not read as "HK" followed by "EX".
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# Upper case ("NASDAQ") or capitalised ("Nasdaq"), never lower case: "she:" and
# "sha:" are words.
_ASCII_PREFIX_SPELLINGS = {
    spelling: prefix
    for prefix in _ASCII_PREFIXES
    for spelling in (prefix, prefix.upper(), prefix.capitalize())
}
_SUFFIX = _alternation(_SUFFIX_EXCHANGES)
# What may not come straight before a bare token or an ASCII prefix. Checked in
# Python, not by a lookbehind: a pattern that opens with its own characters lets
# the regex engine skip Chinese text fast.
_GLUED_LEFT = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    "_.@/\\:#$+-&=?%~０１２３４５６７８９"
)
_GLUED_LEFT_FULL_WIDTH = re.compile(r"[Ａ-Ｚａ-ｚ]")
_RIGHT = r"(?![A-Za-z0-9_@/\-０-９Ａ-Ｚａ-ｚ]|[.:][A-Za-z0-9])"
_CODE = r"(?P<code>[A-Za-z0-9]{1,8})(?P<cls>[.\-][A-Za-z])?"
_GAP = r"[ \u00a0\u3000]{0,3}"

# Inside a ticker-only bracket: either form, suffix in any case. Atomic, so a
# failed bracket never retries another way of splitting the items before it.
_ITEM = (
    r"(?>"
    rf"(?P<prefix>{_alternation(_ASCII_PREFIX_SPELLINGS)}"
    rf"|{_alternation(_CJK_PREFIXES)}|{_alternation(_LABEL_PREFIXES)})"
    rf"{_GAP}[:：]{_GAP}{_CODE}(?:\.(?P<psuffix>(?i:{_SUFFIX})))?{_RIGHT}"
    r"|(?P<scode>[A-Za-z0-9]{1,8})(?P<scls>[.\-][A-Za-z])?"
    rf"\.(?P<suffix>(?i:{_SUFFIX})){_RIGHT}"
    r")"
)
_ITEM_RE = re.compile(_ITEM)
_SEP = rf"(?:{_GAP}[;；,，、&]{_GAP}|[ \u00a0\u3000]{{1,3}}(?:and|AND){_GAP})"
_SEP_RE = re.compile(_SEP)
_OPEN_RE = re.compile(rf"[(（]{_GAP}")
# A bracket holding nothing but tickers and separators; possessive, so a long
# run of almost-tickers is read once.
_UNNAMED_ITEM = re.sub(r"\?P<\w+>", "?:", _ITEM)
_BRACKET_RE = re.compile(
    rf"[(（]{_GAP}{_UNNAMED_ITEM}(?:{_SEP}{_UNNAMED_ITEM})*+{_GAP}[)）]"
)

# Anywhere in text: a prefixed code, or a bare CODE.SUFFIX with upper-case suffix.
_PREFIXED_RE = re.compile(
    # One flat alternation: nesting the prefixes in groups makes the engine try
    # every position the slow way (ten times slower on Chinese text).
    rf"(?P<prefix>{_alternation(_ASCII_PREFIX_SPELLINGS)}"
    rf"|{_alternation(_LABEL_PREFIXES)}|{_alternation(_CJK_PREFIXES)})"
    rf"{_GAP}[:：]{_GAP}{_CODE}(?:\.(?P<psuffix>(?i:{_SUFFIX})))?"
    r"(?![A-Za-z0-9_@/\-%０-９Ａ-Ｚａ-ｚ]|[.:][A-Za-z0-9]|,[0-9]{3}(?![0-9])"
    r"|(?<=[0-9])[\u3400-\u9fff])"
)
# No groups and a possessive code: the fastest shape for the engine. A match
# that starts inside a longer word is dropped by _glued_left.
_BARE_RE = re.compile(rf"[A-Za-z0-9]{{1,8}}+(?:[.\-][A-Za-z])?\.(?:{_SUFFIX}){_RIGHT}")


@dataclass(frozen=True)
class TickerMention:
    """One ticker found in text: ``text[start:end] == text`` of the mention."""

    ticker: TickerSymbol
    start: int
    end: int
    text: str


def _prefix_exchange(prefix: str) -> str:
    if prefix in _CJK_PREFIXES:
        return _CJK_PREFIXES[prefix]
    if prefix in _LABEL_PREFIXES:
        return _LABEL_PREFIXES[prefix]
    return normalise_exchange(_ASCII_PREFIX_SPELLINGS[prefix])


def _ticker(exchange: str, code: str, cls: str | None) -> TickerSymbol | None:
    try:
        return TickerSymbol(exchange, normalise_symbol(exchange, code + (cls or "")))
    except InvalidTicker:
        return None


def _glued_left(text: str, start: int) -> bool:
    """Whether the token at ``start`` continues a word, number, URL or address."""
    if start == 0:
        return False
    before = text[start - 1]
    if before in _GLUED_LEFT or _GLUED_LEFT_FULL_WIDTH.match(before):
        return True
    # "1,234.HK" is a number with a thousands separator.
    return before == "," and start >= 2 and text[start - 2] in "0123456789"


def _from_prefixed(
    prefix: str, code: str, cls: str | None, suffix: str | None
) -> TickerSymbol | None:
    exchange = _prefix_exchange(prefix)
    if suffix and _SUFFIX_EXCHANGES[suffix.upper()] != exchange:
        return None  # "HKEX: 6638.US" contradicts itself
    if cls and cls[0] == "." and _SUFFIX_EXCHANGES.get(cls[1].upper()) == exchange:
        cls = None  # "NYSE: BABA.N": the suffix repeats the prefix
    return _ticker(exchange, code, cls)


def _from_suffixed(code: str, cls: str | None, suffix: str) -> TickerSymbol | None:
    return _ticker(_SUFFIX_EXCHANGES[suffix.upper()], code, cls)


def _candidates(text: str) -> Iterator[tuple[int, int, TickerSymbol]]:
    for group in _BRACKET_RE.finditer(text):
        end = group.end()
        pos = _OPEN_RE.match(text, group.start()).end()
        while True:
            item = _ITEM_RE.match(text, pos, end)
            if item is None:
                break
            if item["prefix"]:
                ticker = _from_prefixed(
                    item["prefix"], item["code"], item["cls"], item["psuffix"]
                )
            else:
                ticker = _from_suffixed(item["scode"], item["scls"], item["suffix"])
            if ticker:
                yield item.start(), item.end(), ticker
            sep = _SEP_RE.match(text, item.end(), end)
            if sep is None:
                break
            pos = sep.end()
    for m in _PREFIXED_RE.finditer(text):
        if m["prefix"].isascii() and _glued_left(text, m.start()):
            continue
        ticker = _from_prefixed(m["prefix"], m["code"], m["cls"], m["psuffix"])
        if ticker:
            yield m.start(), m.end(), ticker
    for m in _BARE_RE.finditer(text):
        if _glued_left(text, m.start()):
            continue
        code, _, suffix = m[0].rpartition(".")
        if len(suffix) == 1 and len(code) < 2:
            continue  # initials: "J.O."
        ticker = _from_suffixed(code, None, suffix)
        if ticker:
            yield m.start(), m.end(), ticker


def find_tickers(text: str) -> list[TickerMention]:
    """Every ticker mentioned in ``text``, normalised, in text order.

    A mention's span covers its prefix too ("NYSE: OCFT"); look-alikes and
    symbols invalid for their exchange are skipped, never raised.
    """
    text = str(text)
    mentions = []
    last_end = 0
    # Bracket items come first for a span, so overlapping finds from the other
    # patterns are dropped; ties at one start keep the longest.
    for start, end, ticker in sorted(_candidates(text), key=lambda c: (c[0], -c[1])):
        if start < last_end:
            continue
        mentions.append(TickerMention(ticker, start, end, text[start:end]))
        last_end = end
    return mentions


def unique_tickers(text: str) -> list[TickerSymbol]:
    """The tickers mentioned in ``text``, each once, in first-seen order."""
    return list(dict.fromkeys(m.ticker for m in find_tickers(text)))
