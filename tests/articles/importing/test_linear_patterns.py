"""Every pattern the importer runs on untrusted text works in linear time.

Each compiled pattern of the importer's modules (and of the ticker finder and
tag helpers it calls) is fed long repeats of what it accepts, followed by a
character that makes it fail, with search, match and fullmatch. A pattern that
backtracks catastrophically (or quadratically) takes seconds on these inputs;
a linear one takes microseconds. The bound leaves room for a busy machine.
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
BOUND_SECONDS = 0.1

UNITS = [
    "a", "Aa ", "andAa", "Aa and ", " ", "\u3000", "中", "中 ", "1", "1,", "1.",
    ".", "-", "—", "a.", "（", "(", "[", "【", "#", "#a", "、", ":", "：", "|",
    "| a ", "Aa, ", "0.HK ", "6638.HK", "$", "%", "a@b.", "訂閱", "登錄", "By ",
    "作者", "作者：", "日電", "Jan 1, ", "\t", "x ",
]  # fmt: skip
PREFIXES = ["", "By ", "作者：", "Hong Kong, Jan 1, 2026 — "]
SUFFIXES = ["!", "（"]


def _patterns():
    for module in MODULES:
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                yield pytest.param(value, id=f"{module.__name__}.{name}")


def _inputs():
    for unit in UNITS:
        body = unit * (LENGTH // len(unit))
        for prefix in PREFIXES:
            for suffix in SUFFIXES:
                # What the parser is given: normalised text (whitespace runs
                # are at most four characters long), one line at a time.
                yield normalise_text(prefix + body + suffix)


INPUTS = list(_inputs())


@pytest.mark.parametrize("pattern", list(_patterns()))
def test_pattern_is_linear_on_adversarial_input(pattern):
    worst, worst_input = 0.0, ""
    for text in INPUTS:
        for method in (pattern.search, pattern.match, pattern.fullmatch):
            started = time.perf_counter()
            method(text)
            spent = time.perf_counter() - started
            if spent > worst:
                worst, worst_input = spent, text
        if worst >= BOUND_SECONDS:
            break
    assert worst < BOUND_SECONDS, (pattern.pattern, worst_input[:40], worst)


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
