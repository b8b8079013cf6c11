"""Ticker symbols: the exchanges we know and how a symbol is normalised.

A ticker is an exchange code plus a symbol, written ``SYMBOL.EXCHANGE``
(``6638.HK``, ``OCFT.US``, ``601012.SH``). Normalising makes one spelling per
listing, so ``853.hk``, ``0853.HK`` and ``00853.HK`` are the same ticker.
"""

import re
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
