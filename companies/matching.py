"""Finding company names and aliases in text.

One Aho–Corasick automaton (pyahocorasick) holds every name of every company.
Names and the scanned text are folded to one form first, so that Traditional,
Simplified and variant spellings (萬科/万科, 綠/绿, 裏/裡/里), upper and lower
case and full-width Latin (ＮＩＯ) all meet:

- Chinese characters are folded to Simplified with OpenCC's hk2s (the config
  the Simplified edition uses), one character at a time. Folding to Simplified
  is many-to-one (發/髮 → 发), which is what matching wants; converting whole
  phrases can change the length of the text, one character at a time cannot,
  so a position in the folded text is the same position in the original.
- Latin letters are lower-cased where that keeps one character (casefold would
  turn ß into ss and move every position after it).

The fold is a translation table built once per process from OpenCC, so the
scan needs no lock and costs one ``str.translate``.

Rules: the longest match wins over any match it overlaps, then the leftmost;
results never overlap. A name that starts or ends with a Latin letter or digit
only matches as a whole word (NIO is not found in UNION or Nio-bium); Chinese
has no word boundaries, so Chinese names match anywhere. Names shorter than
two characters, and names with no letter at all (e.g. "360"), are ignored as
too noisy; tickers are found by companies.tickers instead.
"""

import functools
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

MIN_NAME_LENGTH = 2

# Chinese blocks of the Basic Multilingual Plane: radicals, punctuation, kana,
# Extension A, the unified ideographs, compatibility ideographs.
_CJK_RANGES = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF))
# Characters above the BMP (Extension B on) are left as they are: no company
# name we know needs them, and the table stays a flat 65,536-entry list.
_TABLE_SIZE = 0x10000


@dataclass(frozen=True, slots=True)
class CompanyMention:
    company_id: int
    start: int
    end: int
    text: str


@functools.cache
def fold_table() -> list[str]:
    """Code point → folded character, for ``str.translate``; length-preserving."""
    # A list indexed by code point: str.translate finds every character in it,
    # where a dict would raise (and swallow) KeyError for each unchanged one.
    table = [chr(code) for code in range(_TABLE_SIZE)]
    for code in range(_TABLE_SIZE):
        lower = table[code].lower()
        if len(lower) == 1:
            table[code] = lower
    # Full-width ASCII (ＮＩＯ, ２０２４) → ASCII, common in Chinese copy.
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0).lower()
    for code, simplified in _simplified_characters().items():
        table[code] = simplified
    return table


def _simplified_characters() -> dict[int, str]:
    from newsroom.editions import convert_text

    characters = [chr(c) for low, high in _CJK_RANGES for c in range(low, high + 1)]
    # A newline between characters: no OpenCC phrase spans it, so each one is
    # converted on its own, in one call.
    converted = convert_text("\n".join(characters)).split("\n")
    if len(converted) != len(characters):  # pragma: no cover - defensive
        converted = [convert_text(c) for c in characters]
    return {
        ord(original): simplified
        for original, simplified in zip(characters, converted, strict=True)
        if len(simplified) == 1 and simplified != original
    }


def fold(text: str) -> str:
    """``text`` in the matcher's folded form, exactly as long as ``text``."""
    return text.translate(fold_table())


def _is_word_character(character: str) -> bool:
    return character.isascii() and character.isalnum()


def _joined_before(folded: str, start: int) -> bool:
    """Whether the character before ``start`` continues a Latin word."""
    if start == 0:
        return False
    before = folded[start - 1]
    if _is_word_character(before):
        return True
    # A hyphen inside a word (Nio-bium) joins it; so NIO-backed is not NIO.
    return before == "-" and start >= 2 and _is_word_character(folded[start - 2])


def _joined_after(folded: str, end: int) -> bool:
    """Whether the character at ``end`` continues a Latin word."""
    if end >= len(folded):
        return False
    after = folded[end]
    if _is_word_character(after):
        return True
    return (
        after == "-" and end + 1 < len(folded) and _is_word_character(folded[end + 1])
    )


class CompanyMatcher:
    """Company names and aliases, found in text; build with ``from_names``."""

    def __init__(self, automaton: ahocorasick.Automaton | None, pattern_count: int):
        self._automaton = automaton
        self.pattern_count = pattern_count

    @classmethod
    def from_names(cls, pairs: Iterable[tuple[int, Iterable[str]]]) -> "CompanyMatcher":
        """A matcher for ``(company_id, names)`` pairs.

        When two companies share a name, the one given first keeps it.
        """
        table = fold_table()
        automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        count = 0
        for company_id, names in pairs:
            for name in names:
                name = " ".join(name.split())
                if len(name) < MIN_NAME_LENGTH or not any(c.isalpha() for c in name):
                    continue
                key = name.translate(table)
                if key in automaton:
                    continue
                automaton.add_word(
                    key,
                    (
                        len(key),
                        company_id,
                        _is_word_character(key[0]),
                        _is_word_character(key[-1]),
                    ),
                )
                count += 1
        if not count:
            return cls(None, 0)
        automaton.make_automaton()
        return cls(automaton, count)

    def find(self, text: str) -> list[CompanyMention]:
        """Every company mention in ``text``, in text order, none overlapping."""
        if self._automaton is None or not text:
            return []
        folded = text.translate(fold_table())
        candidates = []
        for last, (length, company_id, word_start, word_end) in self._automaton.iter(
            folded
        ):
            start, end = last - length + 1, last + 1
            if word_start and _joined_before(folded, start):
                continue
            if word_end and _joined_after(folded, end):
                continue
            candidates.append((start, end, company_id))
        return [
            CompanyMention(company_id, start, end, text[start:end])
            for start, end, company_id in _longest_first(candidates)
        ]

    def company_ids(self, text: str) -> list[int]:
        """The companies mentioned in ``text``, in order of first mention."""
        return list(dict.fromkeys(m.company_id for m in self.find(text)))


def _longest_first(
    candidates: list[tuple[int, int, int]],
) -> list[tuple[int, int, int]]:
    """The candidates that survive "longest wins, then leftmost", in text order."""
    if len(candidates) < 2:
        return candidates
    candidates.sort()
    chosen: list[tuple[int, int, int]] = []
    # Only candidates in one run of overlapping matches compete; most runs
    # hold a single match, so the choosing stays local and cheap.
    cluster = [candidates[0]]
    cluster_end = candidates[0][1]
    for candidate in candidates[1:]:
        if candidate[0] < cluster_end:
            cluster.append(candidate)
            cluster_end = max(cluster_end, candidate[1])
            continue
        _choose(cluster, chosen)
        cluster = [candidate]
        cluster_end = candidate[1]
    _choose(cluster, chosen)
    return chosen


def _choose(cluster: list[tuple[int, int, int]], chosen: list) -> None:
    if len(cluster) == 1:
        chosen.append(cluster[0])
        return
    kept: list[tuple[int, int, int]] = []
    for candidate in sorted(cluster, key=lambda c: (c[0] - c[1], c[0])):
        start, end, _company_id = candidate
        if all(end <= k[0] or k[1] <= start for k in kept):
            kept.append(candidate)
    chosen.extend(sorted(kept))


# --- The process-wide matcher --------------------------------------------------

_lock = threading.Lock()
_cached: tuple[object, CompanyMatcher] | None = None


def companies_version() -> tuple:
    """A cheap key that changes when companies are added, deleted or saved.

    One aggregate query (count and latest ``updated_at``). Bulk
    ``QuerySet.update()`` skips ``auto_now`` and so goes unnoticed until the
    next save; the loader and the admin save through the model.
    """
    from django.db.models import Count, Max

    from .models import Company

    result = Company.objects.aggregate(count=Count("pk"), latest=Max("updated_at"))
    return (result["count"], result["latest"])


def _build_from_database() -> CompanyMatcher:
    from .models import Company

    companies = Company.objects.order_by("pk").only(
        "pk", "name", "name_hans", "name_en", "aliases"
    )
    return CompanyMatcher.from_names((c.pk, c.all_names) for c in companies)


def get_matcher() -> CompanyMatcher:
    """The matcher for the companies in the database, rebuilt when they change.

    Costs one aggregate query per call; a build (about 1 s per 10,000
    companies, see bench/companies.py) happens only when the key changes.
    """
    global _cached
    version = companies_version()
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
