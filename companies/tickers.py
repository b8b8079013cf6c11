"""Ticker symbols: the exchanges we know and how a symbol is normalised.

A ticker is an exchange code plus a symbol, written ``SYMBOL.EXCHANGE``
(``6638.HK``, ``OCFT.US``, ``601012.SH``). Normalising makes one spelling per
listing, so ``853.hk``, ``0853.HK`` and ``00853.HK`` are the same ticker.
"""

import itertools
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


# --- codes as people type them ----------------------------------------------------
#
# A person types a code the way their terminal or paper prints it: HKEX's five
# digits (00700), Bloomberg's "700 HK Equity", Reuters' "0700.HK", a label
# ("HKEX: 700", "港交所：700", "股份代號：700"), mainland prefixes ("SH600519"),
# full-width characters from a Chinese input method ("６６３８.HK"). Every
# spelling goes through ticker_candidates, so search, filters, the ticker
# pages and the admin agree on what a code means.

# Full-width letters and digits (and the ideographic space) as ASCII: one
# character for one, so positions in a text stay where they were.
_HALF_WIDTH = str.maketrans(
    {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
)
_HALF_WIDTH_ALNUM = str.maketrans(
    {
        chr(code): chr(code - 0xFEE0)
        for code in (
            *range(0xFF10, 0xFF1A),
            *range(0xFF21, 0xFF3B),
            *range(0xFF41, 0xFF5B),
        )
    }
)

_FULL_WIDTH_ALNUM_RE = re.compile(r"[０-９Ａ-Ｚａ-ｚ]")

# Bloomberg's exchange codes after a space: "700 HK", "BABA UN", "600519 CH".
_BLOOMBERG = {
    "HK": "HK",
    "US": "US",
    "UN": "US",
    "UW": "US",
    "UQ": "US",
    "UA": "US",
    "C1": "SH",
    "C2": "SZ",
    "CH": "",  # mainland China: Shanghai or Shenzhen, by the code
    "TT": "TW",
    "JP": "JP",
    "JT": "JP",
    "SP": "SG",
    "KS": "KS",
}
# Mainland prefixes glued to the code: SH600519, sz000002, BJ430047, HK0700.
_GLUED_PREFIX_RE = re.compile(r"([^\s:.0-9]{1,12})([0-9]{1,11})")
_BARE_DIGITS_RE = re.compile(r"[0-9]{1,11}")
_BARE_LETTERS_RE = re.compile(r"[A-Za-z]{1,5}(?:[.\-/][A-Za-z])?")
# Longer than any spelling of a code: refused unread.
MAX_TYPED_LENGTH = 40
# How many zeros may pad a Hong Kong code (HKEX prints five digits; some
# terminals more).
_HK_PADDING = 5


def _mainland_exchange(code: str) -> str:
    """Shanghai, Shenzhen or Beijing, by the first digit of a six-digit code."""
    return {"6": "SH", "9": "SH", "0": "SZ", "2": "SZ", "3": "SZ"}.get(code[:1], "BJ")


def _bare_digits(code: str) -> list[TickerSymbol]:
    """The listings a bare number can be, likeliest first for a Hong Kong desk."""
    significant = code.lstrip("0")
    found = []
    if len(code) == 6:
        found.append(TickerSymbol(_mainland_exchange(code), code))
    if (
        0 < len(significant) <= 5
        and len(code) - max(len(significant), 4) <= _HK_PADDING
    ):
        found.append(TickerSymbol("HK", significant.zfill(4)))
    if len(code) == 4:
        found += [TickerSymbol("TW", code), TickerSymbol("JP", code)]
    if len(code) == 6:
        found += [TickerSymbol("KS", code), TickerSymbol("TW", code)]
    return list(dict.fromkeys(found))


def _on(exchange: str, code: str) -> TickerSymbol:
    code = code.strip()
    if exchange == "HK" and code.isdigit():
        significant = code.lstrip("0")
        if len(code) - max(len(significant), 4) > _HK_PADDING:
            code = ""  # "000000000700" is not a code anyone prints
    if exchange == "":  # Bloomberg's CH
        exchange = _mainland_exchange(code)
    return TickerSymbol(exchange, normalise_symbol(exchange, code))


def _prefix(label: str) -> str | None:
    """The exchange a typed label names (``HKEX``, ``港交所``, ``股份代號``)."""
    label = re.sub(r"[\s_-]", "", label)
    label = label.upper() if label.isascii() else label
    return _TYPED_PREFIXES.get(label)


def _qualified(text: str) -> TickerSymbol | None:
    """The listing ``text`` names with its exchange, or None if it names none.

    Raises InvalidTicker when the exchange is clear but the code is not valid
    there, so the message can say why.
    """
    # LABEL: CODE (any form after the label): HK:700, HKEX: 700, 港交所：0700.HK.
    label, colon, rest = text.partition(":")
    if colon and (exchange := _prefix(label)) is not None and rest.strip():
        inner = _qualified(rest.strip())
        if inner is None:
            return _on(exchange, rest)
        if inner.exchange != exchange:
            raise InvalidTicker(_("“%(text)s” names two exchanges.") % {"text": text})
        return inner
    # CODE.EXCHANGE (Reuters, Yahoo, our own form): 0700.HK, BABA.N, BRK.B.US.
    symbol, dot, suffix = text.rpartition(".")
    suffix = re.sub(r"\s", "", suffix).upper()
    if dot and symbol.strip() and ":" not in symbol and suffix:
        exchange = _SUFFIX_EXCHANGES.get(suffix) or _prefix(suffix)
        if exchange is not None:
            return _on(exchange, symbol)
    words = text.split()
    # CODE EXCHANGE [Equity] (Bloomberg): 700 HK, 0700 HK Equity, BABA US.
    if len(words) == 3 and words[2].upper() == "EQUITY":
        words = words[:2]
    if len(words) == 2 and words[1].upper() in _BLOOMBERG:
        return _on(_BLOOMBERG[words[1].upper()], words[0])
    # LABEL CODE, LABELCODE: HKEX 700, 港交所0700, SH600519, sz000002.
    if len(words) == 2 and (exchange := _prefix(words[0])) is not None:
        return _on(exchange, words[1])
    glued = _GLUED_PREFIX_RE.fullmatch(text)
    if glued and (exchange := _prefix(glued[1])) is not None:
        return _on(exchange, glued[2])
    return None


def ticker_candidates(text: str, *, bare: bool = True) -> list[TickerSymbol]:
    """The listings a person can mean by ``text``, likeliest first.

    A code with its exchange in any accepted spelling gives one listing; a bare
    number or symbol (with ``bare``) every listing it can be: ``700`` is
    0700.HK, ``600519`` is 600519.SH, ``BABA`` is BABA.US. Never raises.
    """
    cleaned = " ".join(str(text).translate(_HALF_WIDTH).split())
    if not cleaned or len(cleaned) > MAX_TYPED_LENGTH:
        return []
    try:
        found = _qualified(cleaned)
    except InvalidTicker:
        return []
    if found is not None:
        return [found]
    if not bare:
        return []
    if _BARE_DIGITS_RE.fullmatch(cleaned):
        return _bare_digits(cleaned)
    upper = cleaned.upper()
    if _BARE_LETTERS_RE.fullmatch(cleaned) and upper not in _TYPED_PREFIXES:
        try:
            return [_on("US", upper)]
        except InvalidTicker:
            return []
    return []


def parse_ticker(text: str) -> TickerSymbol:
    """The listing ``text`` means, in any spelling a person types (see
    ticker_candidates); a bare number is read as its likeliest listing."""
    cleaned = " ".join(str(text).translate(_HALF_WIDTH).split())
    if len(cleaned) > MAX_TYPED_LENGTH:
        raise InvalidTicker(
            _("“%(text)s” is not a ticker; write it as CODE.EXCHANGE, e.g. 6638.HK.")
            % {"text": text[:MAX_TYPED_LENGTH] + "…"}
        )
    found = _qualified(cleaned) if cleaned else None
    if found is not None:
        return found
    # A bare number has one likeliest listing; bare letters ("HSHCI", "AI")
    # are as often an index or a word, so only lookups try them as US symbols.
    candidates = ticker_candidates(cleaned) if cleaned.isdigit() else []
    if candidates:
        return candidates[0]
    raise InvalidTicker(
        _("“%(text)s” is not a ticker; write it as CODE.EXCHANGE, e.g. 6638.HK.")
        % {"text": text}
    )


def normalise_ticker(text: str) -> str:
    """``normalise_ticker("853.hk") == "0853.HK"``; also ``"00853"``,
    ``"853 HK Equity"``, ``"HKEX: 853"``, ``"８５３.HK"``."""
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

# Labels typed before a code, with a colon or a space (ASCII ones in any case):
# the exchange codes and their aliases, and the labels copy uses.
_TYPED_PREFIXES = {
    **EXCHANGE_ALIASES,
    **{code: code for code in Exchange.values},
    **_CJK_PREFIXES,
    "港股": "HK",
    "滬市": "SH",
    "沪市": "SH",
    "深市": "SZ",
    "美股": "US",
    "STOCKCODE": "HK",
}


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


# A bare Hong Kong code in brackets right after a company's name, as Hong Kong
# papers print it every day: 騰訊(700), 騰訊（0700）, 匯豐控股(5). A bracketed
# number is a code only there: not after a word that makes it a year, a count,
# a price or a figure number (去年(2023), 圖(2), 股價(350)), not before a unit
# (…(700)萬), and not as an item of a numbered list ((1)… (2)…).
_NAMED_CODE_RE = re.compile(r"[(（][ \u3000]{0,2}([0-9]{1,5}+)[ \u3000]{0,2}[)）]")
_NOT_NAME_END = frozenset(
    "年月日號号期第共約约及和與与或等為为是在於于至到由從从的之了上下前後后間间"
    "點点元億亿萬万千百十九八七六五四三二一零〇兩两個个次倍項项條条括如即包季度"
    "週周時时分秒歲岁人名手價价額额量率圖图表註注頁页段款章節节例見见附組组類类"
    "級级號碼码序編编屆届批輪轮場场只隻支張张筆笔宗件頁：:、，。；"
)
_UNIT_AFTER = frozenset("萬万億亿元年月日%％點点倍個个人名仙蚊")


def _is_name_character(character: str) -> bool:
    code = ord(character)
    return (0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF) and (
        character not in _NOT_NAME_END
    )


def _named_codes(text: str) -> Iterator[tuple[int, int, TickerSymbol]]:
    found = list(_NAMED_CODE_RE.finditer(text))
    # Small unpadded numbers in a row are a numbered list: (1)… (2)….
    listed = {int(m[1]) for m in found if not m[1].startswith("0") and len(m[1]) <= 2}
    for m in found:
        start, end = m.span()
        if start == 0 or not _is_name_character(text[start - 1]):
            continue
        if end < len(text) and text[end] in _UNIT_AFTER:
            continue
        number = m[1]
        if not number.startswith("0") and len(number) <= 2:
            if int(number) - 1 in listed or int(number) + 1 in listed:
                continue
        if (ticker := _ticker("HK", number, None)) is not None:
            yield m.start(1), m.end(1), ticker


def find_tickers(text: str) -> list[TickerMention]:
    """Every ticker mentioned in ``text``, normalised, in text order.

    A mention's span covers its prefix too ("NYSE: OCFT"); look-alikes and
    symbols invalid for their exchange are skipped, never raised. Full-width
    letters and digits (６６３８.ＨＫ) count as their ASCII selves.
    """
    original = str(text)
    # One character for one: spans found in the half-width text fit the original.
    text = (
        original.translate(_HALF_WIDTH_ALNUM)
        if _FULL_WIDTH_ALNUM_RE.search(original)
        else original
    )
    mentions = []
    last_end = 0
    # Bracket items come first for a span, so overlapping finds from the other
    # patterns are dropped; ties at one start keep the longest.
    candidates = itertools.chain(_candidates(text), _named_codes(text))
    for start, end, ticker in sorted(candidates, key=lambda c: (c[0], -c[1])):
        if start < last_end:
            continue
        mentions.append(TickerMention(ticker, start, end, original[start:end]))
        last_end = end
    return mentions


def unique_tickers(text: str) -> list[TickerSymbol]:
    """The tickers mentioned in ``text``, each once, in first-seen order."""
    return list(dict.fromkeys(m.ticker for m in find_tickers(text)))
