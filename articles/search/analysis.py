"""The analyser: text to search terms, the same way for documents and queries.

Chinese has no spaces, is written in two scripts and with variant characters,
and its commonest words have two characters. So the analyser

- folds every character to one form (newsroom.chinese.fold: OpenCC hk2s one
  character at a time, lower-case, full-width Latin to ASCII), so 雲知聲 and
  云知声, 阿裏巴巴 and 阿里巴巴 give the same terms;
- cuts Chinese (and Japanese, Korean) runs into overlapping character bigrams,
  plus the run's last character alone, so every character of a run starts a
  term: 雲知聲 → 云知 知声 声. A query of two or more characters becomes the
  phrase of its bigrams; a one-character query becomes a prefix query;
- keeps other letters and digits as whole words (ocft, 2024, 5g);
- keeps tickers whole, normalised (6638.hk, 0853.hk, ocft.us) and adds the bare
  symbol (6638, 0853 and 853), so a bare 6638 finds 6638.HK.

Terms contain only letters, digits and the dot of a ticker: nothing that means
anything to FTS5's query syntax or to tsquery, and the backends quote them all
the same. Terms are capped in length so no database refuses one.
"""

import bisect
import itertools
import operator
import re
from dataclasses import dataclass

from companies.tickers import InvalidTicker, find_tickers, parse_ticker
from newsroom.chinese import fold

MAX_QUERY_LENGTH = 100
MAX_QUERY_UNITS = 12
MAX_TERM_LENGTH = 60

# Folded characters that are cut into bigrams: kana, CJK ideographs (with the
# extensions and compatibility block), Hangul syllables.
_CJK_RANGES = (
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
)

# A ticker written loosely, as readers type one ("6638.hk", "ocft.us"): the
# parser decides whether it is one. find_tickers alone is stricter for bare
# tokens in running text, and documents and queries must agree.
_DOTTED = re.compile(
    r"(?<![A-Za-z0-9.])[A-Za-z0-9]{1,8}(?:[.\-][A-Za-z])?\.[A-Za-z]{1,12}(?![A-Za-z0-9])"
)
_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|『([^』]*)』|＂([^＂]*)＂')


def _alnum_ranges(ranges) -> str:
    """A regex class of the letters and digits in ``ranges`` (no punctuation)."""
    parts, run_start = [], None
    for low, high in ranges:
        for code in range(low, high + 2):
            alnum = code <= high and chr(code).isalnum()
            if alnum and run_start is None:
                run_start = code
            elif not alnum and run_start is not None:
                parts.append(f"\\U{run_start:08x}-\\U{code - 1:08x}")
                run_start = None
    return "".join(parts)


_CJK_CLASS = _alnum_ranges(_CJK_RANGES)
# Runs of CJK letters, and runs of other letters and digits (\w without "_").
_RUN = re.compile(rf"(?P<cjk>[{_CJK_CLASS}]+)|(?P<word>[^\W_{_CJK_CLASS}]+)")


def is_cjk(character: str) -> bool:
    code = ord(character)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def _ticker_terms(ticker) -> list[str]:
    symbol = ticker.symbol.lower()
    terms = [str(ticker).lower(), symbol]
    if symbol.isdigit() and symbol.lstrip("0") != symbol:
        terms.append(symbol.lstrip("0"))
    return terms


def _ticker_spans(text: str) -> list[tuple[int, int, list[str]]]:
    """Ticker mentions in ``text``: (start, end, terms), in order, not overlapping."""
    found = []
    for mention in find_tickers(text):
        # A Chinese label before the code (港交所：, 股份代號：) stays Chinese text:
        # cutting it out would split the run it belongs to.
        start = mention.start
        while start < mention.end and (is_cjk(text[start]) or text[start] in "：:"):
            start += 1
        found.append((start, mention.end, _ticker_terms(mention.ticker)))
    strict = [(s, e) for s, e, _t in found]
    for match in _DOTTED.finditer(text):
        # The nearest strict mention starting before this one's end.
        i = bisect.bisect_left(strict, (match.end(),)) - 1
        if i >= 0 and strict[i][1] > match.start():
            continue
        try:
            ticker = parse_ticker(match.group())
        except InvalidTicker:
            continue
        found.append((match.start(), match.end(), _ticker_terms(ticker)))
    return sorted(found)


@dataclass(frozen=True)
class Token:
    """A piece of text the analyser keeps: a CJK run, a word or a ticker."""

    kind: str  # "cjk", "word" or "ticker"
    text: str  # folded; for a ticker, its normalised form
    terms: tuple[str, ...]


def _cjk_terms(run: str) -> tuple[str, ...]:
    # The bigrams (pairs of neighbours), then the last character.
    return (*map(operator.add, run, run[1:]), run[-1])


def _walk(text: str, stretch, ticker) -> None:
    """Call ``stretch(folded, start, stop)`` for the text between tickers and
    ``ticker(terms)`` for each ticker, in text order."""
    text = str(text)
    folded = fold(text)
    position, length = 0, len(folded)
    for start, end, terms in [*_ticker_spans(text), (length, length, None)]:
        stretch(folded, position, start)
        if terms is not None:
            ticker(terms)
        position = max(position, end)


def tokens(text: str) -> list[Token]:
    """The runs, words and tickers of ``text``, in order."""
    result: list[Token] = []
    _walk(
        text,
        lambda folded, start, stop: _scan(folded, start, stop, result),
        lambda terms: result.append(Token("ticker", terms[0], tuple(terms))),
    )
    return result


def _scan(folded: str, start: int, stop: int, out: list[Token]) -> None:
    for match in _RUN.finditer(folded, start, stop):
        run = match.group()
        if match.lastgroup == "cjk":
            out.append(Token("cjk", run, _cjk_terms(run)))
        else:
            word = run[:MAX_TERM_LENGTH]
            out.append(Token("word", word, (word,)))


def analyse(text: str) -> list[str]:
    """The terms of a document's text, in order (positions matter for phrases).

    The terms of ``tokens(text)``, made without the Token objects: this runs
    over every article's whole body when the index is built.
    """
    terms: list[str] = []

    def stretch(folded: str, start: int, stop: int) -> None:
        for match in _RUN.finditer(folded, start, stop):
            run = match.group()
            if match.lastgroup == "cjk":
                terms.extend(_cjk_terms(run))
            else:
                terms.append(run[:MAX_TERM_LENGTH])

    _walk(text, stretch, terms.extend)
    return terms


def analysed_text(*texts: str) -> str:
    """The terms of ``texts``, space-separated, as the index stores them."""
    return " ".join(
        itertools.chain.from_iterable(analyse(text) for text in texts if text)
    )


# --- queries ---------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One part of a query that a document must match.

    ``terms`` in order make a phrase (adjacent positions); with ``prefix`` the
    last term is a prefix (a one-character query). ``needles`` are the folded
    strings to highlight.
    """

    terms: tuple[str, ...]
    prefix: bool = False
    needles: tuple[tuple[str, bool], ...] = ()  # (folded text, whole word only)


def _needles(token: Token) -> tuple[tuple[str, bool], ...]:
    if token.kind == "cjk":
        return ((token.text, False),)
    if token.kind == "word":
        return ((token.text, True),)
    return tuple((term, True) for term in token.terms[1:])


def _unit_for_token(token: Token) -> Unit:
    needles = _needles(token)
    if token.kind == "cjk":
        if len(token.text) == 1:
            return Unit((token.text,), prefix=True, needles=needles)
        return Unit(token.terms[:-1], needles=needles)
    # A ticker query matches the ticker; its bare symbol is for bare queries.
    return Unit((token.terms[0],), needles=needles)


def _phrase_unit(found: list[Token]) -> Unit | None:
    if len(found) == 1:
        return _unit_for_token(found[0])
    terms: list[str] = []
    for token in found[:-1]:
        terms += token.terms if token.kind != "ticker" else token.terms[:1]
    last = found[-1]
    prefix = False
    if last.kind == "cjk" and len(last.text) == 1:
        terms.append(last.text)
        prefix = True
    elif last.kind == "cjk":
        terms += last.terms[:-1]
    else:
        terms.append(last.terms[0])
    needles = tuple(n for token in found for n in _needles(token))
    return Unit(tuple(terms), prefix=prefix, needles=needles)


@dataclass(frozen=True)
class Query:
    text: str  # what the reader typed, capped
    units: tuple[Unit, ...]
    truncated: bool = False

    def __bool__(self) -> bool:
        return bool(self.units)

    @property
    def needles(self) -> list[tuple[str, bool]]:
        return list(dict.fromkeys(n for unit in self.units for n in unit.needles))


def parse_query(text: str) -> Query:
    """A reader's query as units to match: quoted phrases, words, runs, tickers.

    Never raises; the raw text is never passed to a database. Units beyond
    MAX_QUERY_UNITS are dropped.
    """
    text = str(text or "").replace("\x00", " ")
    capped = text[:MAX_QUERY_LENGTH]
    truncated = len(text) > MAX_QUERY_LENGTH
    units: list[Unit] = []
    position = 0
    for match in _QUOTED.finditer(capped):
        units += [_unit_for_token(t) for t in tokens(capped[position : match.start()])]
        inner = next(g for g in match.groups() if g is not None)
        found = tokens(inner)
        if found:
            units.append(_phrase_unit(found))
        position = match.end()
    rest = capped[position:]
    units += [_unit_for_token(t) for t in tokens(rest)]
    unique = tuple(dict.fromkeys(units))[:MAX_QUERY_UNITS]
    return Query(text=capped.strip(), units=unique, truncated=truncated)
