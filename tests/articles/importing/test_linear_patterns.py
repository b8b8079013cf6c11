"""Every pattern the importer runs on untrusted text works in linear time.

Each compiled pattern of the importer's modules (and of the ticker finder and
tag helpers it calls) is fed long repeats of what it accepts, followed by a
character that makes it fail, with search, match and fullmatch. A pattern that
backtracks catastrophically takes seconds on these inputs; a linear one takes
microseconds. When the slowest input is not clearly fast (a busy machine, or a
heavy but linear pattern), it is timed again at four times the length, best of
three: linear work grows four times, quadratic work sixteen.
"""

import re
import time

import pytest

from articles import tagging
from articles.importing import cleaning, decoding, parsing, tables
from articles.importing.decoding import normalise_text
from companies import tickers

MODULES = [parsing, cleaning, tables, decoding, tickers, tagging]
LENGTH = 5_000
CLEARLY_FAST = 0.02  # seconds for the slowest input at LENGTH

UNITS = [
    "a", "Aa ", "andAa", "Aa and ", " ", "\u3000", "中", "中 ", "1", "1,", "1.",
    ".", "-", "—", "a.", "（", "(", "[", "【", "#", "#a", "、", ":", "：", "|",
    "| a ", "Aa, ", "0.HK ", "6638.HK", "$", "%", "a@b.", "訂閱", "登錄", "By ",
    "作者", "作者：", "日電", "Jan 1, ", "\t", "x ",
]  # fmt: skip
PREFIXES = ["", "By ", "By Aa", "作者：", "Hong Kong, Jan 1, 2026 — "]
SHORT_REPEATS = 20  # exponential backtracking shows here, before it hangs
SUFFIXES = ["!", "（"]


def _patterns():
    for module in MODULES:
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                yield pytest.param(value, id=f"{module.__name__}.{name}")


def _text(prefix, unit, suffix, length=LENGTH):
    # What the parser is given: normalised text (whitespace runs are at most
    # four characters long).
    return normalise_text(prefix + unit * (length // len(unit)) + suffix)


INPUTS = [(p, u, s) for u in UNITS for p in PREFIXES for s in SUFFIXES]


def _best_of(method, text, runs=3):
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        method(text)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("pattern", list(_patterns()))
def test_pattern_is_linear_on_adversarial_input(pattern):
    # Short inputs first: a pattern that backtracks exponentially takes about
    # a second at 20 repeats and hours at 30, so it must fail here.
    for prefix, unit, suffix in INPUTS:
        text = normalise_text(prefix + unit * SHORT_REPEATS + suffix)
        for method in (pattern.search, pattern.match, pattern.fullmatch):
            spent = _best_of(method, text, runs=1)
            if spent > 0.05:
                spent = _best_of(method, text)
            assert spent < 0.05, (pattern.pattern, text, spent)
    worst, worst_case = 0.0, None
    for parts in INPUTS:
        text = _text(*parts)
        for method in (pattern.search, pattern.match, pattern.fullmatch):
            started = time.perf_counter()
            method(text)
            spent = time.perf_counter() - started
            if spent > worst:
                worst, worst_case = spent, (method, parts)
        if worst > 1.0:
            break  # catastrophic: no need to look further
    assert worst < 1.0, (pattern.pattern, worst_case[1], worst)
    if worst < CLEARLY_FAST:
        return
    method, parts = worst_case
    short = _best_of(method, _text(*parts), runs=5)
    long = _best_of(method, _text(*parts, length=4 * LENGTH), runs=5)
    # Linear: about 4 times; quadratic: about 16. Room for a busy machine.
    assert long < 10 * short + 0.02, (pattern.pattern, parts, short, long)


def test_the_reported_byline_is_refused_quickly():
    line = "By Aa" + "andAa" * 30 + "!"
    started = time.perf_counter()
    assert parsing.byline_names(line) == []
    assert time.perf_counter() - started < 0.05


def test_the_reported_file_imports_quickly():
    text = "簡訊：x\nBy Aa" + "andAa" * 30 + "!\n"
    started = time.perf_counter()
    parsing.parse_text(text)
    assert time.perf_counter() - started < 0.5


def test_a_file_with_an_over_long_line_is_refused_and_writes_nothing(db):
    from articles.importing.report import FileReport
    from articles.importing.storing import ImportOptions, import_text
    from articles.models import Article

    text = "標題\n" + "字" * (parsing.MAX_LINE_CHARS + 1) + "。\n"
    report = import_text(text, FileReport("long.txt"), ImportOptions())
    assert "limits" in report.error
    assert not Article.objects.exists()


def test_a_file_of_too_many_pieces_is_refused(db):
    from articles.importing.report import FileReport
    from articles.importing.storing import ImportOptions, import_text

    text = "標題\n" + "甲。\n" * (parsing.MAX_PIECES + 1)
    report = import_text(text, FileReport("many.txt"), ImportOptions())
    assert "limits" in report.error
