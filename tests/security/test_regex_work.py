"""Issue 17, build item 2: no regular expression backtracks catastrophically.

Every regular expression in the code that runs on typed or imported text is
found (compiled patterns at module level, and literal patterns handed to
``re`` functions anywhere), then fed, for each of its repeats, what reaches
that repeat, what it accepts repeated, and a character that makes it fail.
The work is counted by tests/security/regex_work.py (the nodes a backtracking
engine tries), never timed: doubling the repeated part may at most
quadruple the work (quadratic at worst, which the length caps on typed and
imported lines keep small), and no input may cost more than LIMIT steps.
"""

import ast
import importlib
import re
import sys
import threading
from pathlib import Path

import pytest

from tests.security.regex_work import TooMuchWork, adversarial_inputs, search_steps

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("articles", "companies", "newsletter", "newsroom")
# Code that never sees typed or imported text: generated demo copy and the
# translation-catalogue command.
SKIPPED = ("articles/fake/", "newsroom/management/commands/makemessages.py")
RE_FUNCTIONS = {"compile", "sub", "subn", "match", "search", "fullmatch", "findall",
                "finditer", "split"}  # fmt: skip
SMALL, LARGE = 10, 20
LIMIT = 200_000
# Doubling the repeated part: 4x is quadratic, 8x cubic; small inputs' lower
# terms blur both, so the line is drawn between them.
MAX_GROWTH = 5.0

# Patterns that fail today, with the reason (none: issue 19 rewrote the
# importer's byline, dateline and share-line patterns).
KNOWN: dict[str, str] = {}
# Patterns whose quantifiers are all bounded and which only ever see short
# text (the code checks the length first): their work on the longest text that
# reaches them is bounded instead. Growth between short inputs says nothing
# for them, since a bounded repeat only saturates past its bound.
CAPPED = {
    # Typed codes longer than tickers.MAX_TYPED_LENGTH are refused unread.
    "companies/tickers.py:_GLUED_PREFIX_RE": 40,
    # cleaning.chrome_reason tries it on lines of at most 80 characters.
    "articles/importing/cleaning.py:_NAV_RE": 80,
}
CAPPED_BUDGET = 50_000


def _source_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative.startswith(SKIPPED):
                continue
            yield relative, path


def _literal_patterns(path: Path):
    """(line, pattern source, flags) of literal patterns passed to re.*()."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in RE_FUNCTIONS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str | bytes)
        ):
            continue
        flags = 0
        for keyword in node.keywords:
            if keyword.arg == "flags":
                flags = _flags(keyword.value)
        if node.func.attr == "compile" and len(node.args) > 1:
            flags = _flags(node.args[1])
        yield node.lineno, node.args[0].value, flags


def _flags(node) -> int:
    try:
        return int(eval(compile(ast.Expression(node), "<flags>", "eval"), {"re": re}))  # noqa: S307
    except Exception:  # noqa: BLE001 (a flag we cannot read: none)
        return 0


def _module_patterns(relative: str):
    module = importlib.import_module(relative.removesuffix(".py").replace("/", "."))
    for name, value in vars(module).items():
        if isinstance(value, dict):
            values = value.values()
        elif isinstance(value, list | tuple):
            values = value
        else:
            values = [value]
        for item in values:
            if isinstance(item, re.Pattern):
                yield name, item


def discovered_patterns():
    found = {}
    for relative, path in _source_files():
        # Named ones first: a name says more than a line number.
        for name, pattern in _module_patterns(relative):
            found.setdefault((pattern.pattern, pattern.flags), f"{relative}:{name}")
        for line, source, flags in _literal_patterns(path):
            compiled = re.compile(source, flags)
            found.setdefault((compiled.pattern, compiled.flags), f"{relative}:{line}")
    cases = []
    for (source, flags), where in sorted(found.items(), key=lambda item: item[1]):
        pattern = re.compile(source, flags)
        reason = next(
            (why for prefix, why in KNOWN.items() if where.startswith(prefix)), None
        )
        marks = [pytest.mark.xfail(reason=reason, strict=False)] if reason else []
        cases.append(pytest.param(pattern, CAPPED.get(where), id=where, marks=marks))
    return cases


PATTERNS = discovered_patterns()


def _in_a_deep_stack(function, *args):
    """Run ``function`` where a long input's recursion fits."""
    result = {}

    def run():
        try:
            result["value"] = function(*args)
        except BaseException as error:  # noqa: BLE001 (re-raised below)
            result["error"] = error

    old_limit = sys.getrecursionlimit()
    old_size = threading.stack_size(512 * 1024 * 1024)
    sys.setrecursionlimit(200_000)
    try:
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(old_size)
        sys.setrecursionlimit(old_limit)
    if "error" in result:
        raise result["error"]
    return result["value"]


def _worst_growth(pattern):
    worst = (1.0, "")
    for small, large in zip(
        adversarial_inputs(pattern, SMALL),
        adversarial_inputs(pattern, LARGE),
        strict=True,
    ):
        try:
            work_small = search_steps(pattern, small, limit=LIMIT)
            work_large = search_steps(pattern, large, limit=LIMIT)
        except TooMuchWork:
            return float("inf"), large
        growth = work_large / max(work_small, 1)
        if growth > worst[0]:
            worst = (growth, large)
    return worst


def test_the_harness_finds_the_patterns_that_run_on_text():
    where = {param.id for param in PATTERNS}
    assert any(w.startswith("articles/sanitize.py") for w in where)
    assert any(w.startswith("articles/importing/parsing.py") for w in where)
    assert any(w.startswith("newsroom/fields.py") for w in where)
    assert len(PATTERNS) > 40


@pytest.mark.parametrize(
    ("pattern", "catastrophic"),
    [
        (re.compile(r"(a+)+!"), True),
        (re.compile(r"By (\w+(?:\s*and\s*\w+)*)!"), True),
        (re.compile(r"(\w|\d\d)+$"), True),
        (re.compile(r"(\w|\d)+$"), False),
        (re.compile(r"[a-z]+@[a-z]+\.com"), False),
        (re.compile(r"^\s*(?:[-*]\s+)+"), False),
    ],
)
def test_the_harness_tells_catastrophic_patterns_from_tame_ones(pattern, catastrophic):
    growth, _text = _in_a_deep_stack(_worst_growth, pattern)
    assert (growth > MAX_GROWTH) == catastrophic, growth


def test_every_capped_pattern_is_still_in_the_code():
    where = {param.id for param in PATTERNS}
    assert set(CAPPED) <= where


def _capped_work(pattern, cap):
    texts = [
        text[: cap - 1] + text[-1]
        for times in (SMALL, LARGE, cap)
        for text in adversarial_inputs(pattern, times)
    ]
    return max(search_steps(pattern, text, limit=LIMIT) for text in texts)


@pytest.mark.parametrize(("pattern", "cap"), PATTERNS)
def test_no_pattern_does_more_than_quadratic_work_on_hostile_text(pattern, cap):
    if cap is not None:
        assert _in_a_deep_stack(_capped_work, pattern, cap) <= CAPPED_BUDGET
        return
    growth, text = _in_a_deep_stack(_worst_growth, pattern)
    assert growth <= MAX_GROWTH, (pattern.pattern, text[:80])
