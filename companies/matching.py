"""Finding company names and aliases in text.

One Aho–Corasick automaton (pyahocorasick) holds every name of every company.
Names and the scanned text are folded to one form first (newsroom/chinese.py,
``fold``), so that Traditional, Simplified and variant spellings, upper and
lower case and full-width Latin all meet, and a position in the folded text is
the same position in the original.

Rules: the longest match wins over any match it overlaps, then the leftmost;
results never overlap. A name that starts or ends with a Latin letter or digit
only matches as a whole word (NIO is not found in UNION or Nio-bium); Chinese
has no word boundaries, so Chinese names match anywhere. Names shorter than
two characters, and names with no letter at all (e.g. "360"), are ignored as
too noisy; tickers are found by companies.tickers instead.

How a scan goes (bench/companies.py measures it: 1 MB of copy, 25,000 names):

1. Each matcher folds with its own table, in which a character that folds to
   no character of any name becomes a stand-in, ``_OTHER`` (``_WORD`` for a
   Latin letter or digit, which still joins words), and each run of
   ``_OTHER`` shrinks to one: the automaton walks less than half of typical
   Chinese copy. pyahocorasick searches a node's children one by one, and a
   character the root lacks costs a search of all of them: the stand-ins are
   the root's first children, then every character of every name, most used
   first.
2. The automaton reports every match (some 12,000 a megabyte, aliases inside
   names among them) in order of where they end. numpy maps them back to
   positions in the text, drops those inside a Latin word, and splits them
   into runs of overlapping matches. A run that one match spans resolves to
   it (a name and the aliases inside it: nearly every run); only the others
   go through "longest, then leftmost" in Python.
3. Mentions are made without the frozen dataclass's ``__init__`` (a call to
   ``object.__setattr__`` per field): filling the slots one field at a time
   over all the mentions costs about half as much.
"""

import functools
import threading
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain, repeat

import ahocorasick
import numpy as np
from django.db import connections, router

from newsroom import sql
from newsroom.chinese import (
    TABLE_SIZE,
    code_points,
    fold_codes,
    fold_table,
    from_code_points,
)

MIN_NAME_LENGTH = 2

# Stand-ins in the scanned text. The fold lower-cases ASCII, so no folded name
# holds an upper-case ASCII letter and a stand-in is never part of a name.
_OTHER = "O"  # a character that is in no name
_WORD = "W"  # a Latin letter or digit that is in no name: it still joins words
_END = "E"  # ends keys that only add a child to the root; never in the text
_OTHER_CODE, _WORD_CODE, _HYPHEN_CODE = ord(_OTHER), ord(_WORD), ord("-")
# Symbols that continue a Latin word, by code point (all are ASCII).
_WORD_CODES = np.zeros(128, dtype=bool)
_WORD_CODES[[ord(c) for c in "abcdefghijklmnopqrstuvwxyz0123456789" + _WORD]] = True

# Which ends of a name must not touch a Latin word, as bits.
_CHECK_START = 1
_CHECK_END = 2


@dataclass(frozen=True, slots=True)
class CompanyMention:
    company_id: int
    start: int
    end: int
    text: str


def _is_word_character(character: str) -> bool:
    return character.isascii() and character.isalnum()


@functools.cache
def _stand_ins() -> np.ndarray:
    """Code point → the stand-in for its folded character."""
    folded = fold_codes()
    ascii_word = np.array([_is_word_character(chr(code)) for code in range(128)])
    word = (folded < 128) & ascii_word[folded & 127]
    return np.where(
        folded == _HYPHEN_CODE,
        _HYPHEN_CODE,
        np.where(word, _WORD_CODE, _OTHER_CODE),
    ).astype(np.uint32)


def _joins_word(symbols: np.ndarray, at: np.ndarray, step: int) -> np.ndarray:
    """Whether the characters at ``at`` continue a Latin word; a hyphen does
    when a letter or digit follows it (``step`` away from the match)."""
    last = len(symbols) - 1
    inside = (at >= 0) & (at <= last)
    here = symbols[np.clip(at, 0, last)]
    beyond = symbols[np.clip(at + step, 0, last)]
    beyond_inside = (at + step >= 0) & (at + step <= last)
    return inside & (
        _is_word_symbol(here)
        | ((here == _HYPHEN_CODE) & beyond_inside & _is_word_symbol(beyond))
    )


def _is_word_symbol(symbols: np.ndarray) -> np.ndarray:
    return (symbols < 128) & _WORD_CODES[symbols & 127]


class CompanyMatcher:
    """Company names and aliases, found in text; build with ``from_names``."""

    def __init__(
        self,
        automaton: ahocorasick.Automaton | None,
        pattern_count: int,
        *,
        table: np.ndarray | None = None,
        astral: np.ndarray | None = None,
        lengths: np.ndarray | None = None,
        company_ids: np.ndarray | None = None,
        checks: np.ndarray | None = None,
    ):
        self._automaton = automaton
        self.pattern_count = pattern_count
        # Code point → symbol scanned (a character of a name, or a stand-in),
        # names' characters above the BMP, and per pattern (the value the
        # automaton reports) its length, company and word-boundary checks.
        self._table = table
        self._astral = astral
        self._lengths = lengths
        self._company_ids = company_ids
        self._checks = checks

    @classmethod
    def from_names(cls, pairs: Iterable[tuple[int, Iterable[str]]]) -> "CompanyMatcher":
        """A matcher for ``(company_id, names)`` pairs.

        When two companies share a name, the one given first keeps it.
        """
        table = fold_table()
        owners: dict[str, int] = {}
        for company_id, names in pairs:
            for name in names:
                name = " ".join(name.split())
                if len(name) < MIN_NAME_LENGTH or not any(c.isalpha() for c in name):
                    continue
                owners.setdefault(name.translate(table), company_id)
        if not owners:
            return cls(None, 0)
        uses = Counter(chain.from_iterable(owners))
        automaton = ahocorasick.Automaton(
            ahocorasick.STORE_INTS, ahocorasick.KEY_STRING
        )
        # A node's children are searched in the order they were added: the
        # stand-ins first (most of any copy), then the names' characters, most
        # used first. A character that is no child of the root would cost a
        # search of all of them each time the automaton falls back to the root.
        for symbol in (_OTHER, _WORD, "-", *(c for c, _n in uses.most_common())):
            automaton.add_word(symbol + _END, 0)
        checks = []
        for index, key in enumerate(owners):
            automaton.add_word(key, index)
            checks.append(
                (_CHECK_START if _is_word_character(key[0]) else 0)
                | (_CHECK_END if _is_word_character(key[-1]) else 0)
            )
        automaton.make_automaton()
        alphabet = np.array(sorted(ord(c) for c in uses), dtype=np.uint32)
        folded = fold_codes()
        return cls(
            automaton,
            len(owners),
            table=np.where(np.isin(folded, alphabet), folded, _stand_ins()),
            astral=alphabet[alphabet >= TABLE_SIZE],
            lengths=np.array([len(key) for key in owners], dtype=np.intp),
            company_ids=np.array(list(owners.values()), dtype=np.int64),
            checks=np.array(checks, dtype=np.uint8),
        )

    def _symbols(self, text: str) -> np.ndarray:
        """What the automaton sees of ``text``: one symbol per character."""
        codes = code_points(text)
        symbols = self._table.take(codes & 0xFFFF)
        if codes.max() >= TABLE_SIZE:
            beyond = codes >= TABLE_SIZE
            named = beyond & np.isin(codes, self._astral)
            symbols[beyond] = _OTHER_CODE
            symbols[named] = codes[named]
        return symbols

    def find(self, text: str) -> list[CompanyMention]:
        """Every company mention in ``text``, in text order, none overlapping."""
        if self._automaton is None or not text:
            return []
        symbols = self._symbols(text)
        # A run of stand-ins for characters in no name shrinks to one: no
        # match can start, end or go on inside it.
        other = symbols == _OTHER_CODE
        kept = ~other
        kept[1:] |= ~other[:-1]
        positions = np.flatnonzero(kept)
        reported = np.fromiter(
            chain.from_iterable(self._automaton.iter(from_code_points(symbols[kept]))),
            dtype=np.intp,
        )
        if not reported.size:
            return []
        # No match holds an _OTHER, so none lost a character to the shrinking:
        # where its last character was places it.
        patterns = reported[1::2]
        ends = positions[reported[0::2]] + 1
        starts = ends - self._lengths[patterns]
        checks = self._checks[patterns]
        if checks.any():
            inside_word = ((checks & _CHECK_START) > 0) & _joins_word(
                symbols, starts - 1, -1
            ) | ((checks & _CHECK_END) > 0) & _joins_word(symbols, ends, 1)
            if inside_word.any():
                whole = ~inside_word
                patterns, starts, ends = patterns[whole], starts[whole], ends[whole]
                if not patterns.size:
                    return []
        chosen = _longest_first(starts, ends)
        return _mentions(
            text,
            starts[chosen].tolist(),
            ends[chosen].tolist(),
            self._company_ids[patterns[chosen]].tolist(),
        )

    def company_ids(self, text: str) -> list[int]:
        """The companies mentioned in ``text``, in order of first mention."""
        return list(dict.fromkeys(m.company_id for m in self.find(text)))


def _longest_first(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Indices of the matches that survive "longest wins, then leftmost", in
    text order; the matches come in order of their ends."""
    # Runs of overlapping matches: a run ends where every later match starts
    # at or after every earlier one ends (the ends only grow).
    later_start = np.minimum.accumulate(starts[::-1])[::-1]
    opens = np.empty(len(starts), dtype=bool)
    opens[0] = True
    np.greater_equal(later_start[1:], ends[:-1], out=opens[1:])
    firsts = np.flatnonzero(opens)
    run = np.cumsum(opens) - 1
    # A match that spans its whole run is longer than, and overlaps, every
    # other match of the run: it alone survives.
    spans = (starts == later_start[firsts][run]) & (
        ends == np.maximum.reduceat(ends, firsts)[run]
    )
    chosen = np.flatnonzero(spans)
    if len(chosen) == len(firsts):
        return chosen
    resolved = np.zeros(len(firsts), dtype=bool)
    resolved[run[chosen]] = True
    bounds = np.append(firsts, len(starts)).tolist()
    kept = chosen.tolist()
    for index in np.flatnonzero(~resolved).tolist():
        low, high = bounds[index], bounds[index + 1]
        kept.extend(
            _longest_first_in_run(
                starts[low:high].tolist(), ends[low:high].tolist(), low
            )
        )
    kept.sort()
    return np.array(kept, dtype=np.intp)


def _longest_first_in_run(starts: list[int], ends: list[int], first: int) -> list[int]:
    order = sorted(range(len(starts)), key=lambda i: (starts[i] - ends[i], starts[i]))
    kept: list[int] = []
    for i in order:
        if all(ends[i] <= starts[k] or ends[k] <= starts[i] for k in kept):
            kept.append(i)
    return [first + i for i in kept]


_new = object.__new__
_field_setters = tuple(
    CompanyMention.__dict__[name].__set__
    for name in ("company_id", "start", "end", "text")
)
_exhaust = deque(maxlen=0).extend


def _mentions(
    text: str, starts: list[int], ends: list[int], company_ids: list[int]
) -> list[CompanyMention]:
    # The frozen dataclass's __init__ sets each field through
    # object.__setattr__, a call each. Setting the slots directly, one field
    # at a time over all mentions in a C-level map, costs half as much.
    mentions = list(map(_new, repeat(CompanyMention, len(starts))))
    texts = map(text.__getitem__, map(slice, starts, ends))
    for setter, values in zip(
        _field_setters, (company_ids, starts, ends, texts), strict=True
    ):
        _exhaust(map(setter, mentions, values))
    return mentions


# --- The process-wide matcher --------------------------------------------------

_lock = threading.Lock()
_cached: tuple[object, CompanyMatcher] | None = None


# What companies_version() reads, as SQL columns: the article page's one
# statement on PostgreSQL reads them beside its row (articles/rows.py).
COMPANIES_VERSION = (
    "(SELECT COUNT(*) FROM companies_company),"
    " (SELECT MAX(updated_at) FROM companies_company)"
)


def companies_version() -> tuple:
    """A cheap key that changes when companies are added, deleted or saved.

    The count and the latest ``updated_at``, in plain SQL and prepared on
    PostgreSQL: the article page asks it on every render, and the ORM takes
    longer to build it than the database to answer. Two subqueries, not one
    aggregate, so the latest change is one step down company_updated_idx
    and the count an index-only scan: 0.39 -> 0.25 ms of the server's CPU
    with 2,000 companies. On PostgreSQL the article page reads it in its
    own statement (COMPANIES_VERSION). Bulk ``QuerySet.update()`` skips
    ``auto_now`` and so goes unnoticed until the next save; the loader and
    the admin save through the model.
    """
    from .models import Company

    connection = connections[router.db_for_read(Company)]
    [(count, latest)] = sql.fetch(
        connection,
        f"SELECT {COMPANIES_VERSION}",
        [],
        prepared=True,
    )
    return (count, latest)


def _build_from_database() -> CompanyMatcher:
    from .models import Company

    companies = Company.objects.order_by("pk").only(
        "pk", "name", "name_hans", "name_en", "aliases"
    )
    return CompanyMatcher.from_names((c.pk, c.all_names) for c in companies)


def get_matcher(version: tuple | None = None) -> CompanyMatcher:
    """The matcher for the companies in the database, rebuilt when they change.

    Costs one read of ``companies_version()`` per call, unless the caller
    read it already (``version``); a build (about 0.2 s per 10,000
    companies, see bench/companies.py) happens only when the key changes.
    """
    global _cached
    version = version or companies_version()
    cached = _cached
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        cached = _cached
        if cached is not None and cached[0] == version:
            return cached[1]
        matcher = _build_from_database()
        _cached = (version, matcher)
        return matcher


def clear_matcher() -> None:
    """Forget the cached matcher (tests; after bulk updates)."""
    global _cached
    with _lock:
        _cached = None


def resolve(text: str):
    """The company a reader means by ``text``: its address (slug), a ticker in
    any accepted spelling (0700.HK, 700.hk, 0700), or its name in either
    script, in English or as an alias, typed alone. None if none or several.
    """
    from .models import Company, Ticker

    text = text.strip()
    if not text:
        return None
    company = Company.objects.filter(slug=text).first()
    if company is not None:
        return company
    ticker = Ticker.objects.select_related("company").lookup(text)
    if ticker is not None:
        return ticker.company
    mentions = get_matcher().find(text)
    ids = {m.company_id for m in mentions}
    # The name alone (give or take spaces), not a sentence that mentions it.
    if len(ids) == 1 and sum(m.end - m.start for m in mentions[:1]) >= len(
        text.replace(" ", "")
    ):
        return Company.objects.filter(pk=ids.pop()).first()
    return None
