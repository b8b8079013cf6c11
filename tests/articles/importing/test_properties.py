"""Properties of the parser and the fingerprint, over any text."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.importing.decoding import normalise_text
from articles.importing.parsing import parse_text
from articles.importing.storing import fingerprint

from . import samples

LINES = [
    *samples.CMS_EXPORT.splitlines(),
    *samples.SCRAPED_PAGE.splitlines(),
    *samples.PRESS_RELEASE.splitlines(),
    *samples.WIRE_FEED.splitlines(),
    "簡訊:短訊標題",
    "重點:",
    "  • 一個要點",
    "作者: 申思琦",
    "| a | b |",
    "|---|---|",
    "",
]
# Lines in the shapes the importer knows, shuffled and mixed with any text.
copy_like = st.lists(
    st.one_of(st.sampled_from(LINES), st.text(max_size=80)), max_size=40
).map("\n".join)
any_text = st.one_of(st.text(max_size=400), copy_like)


def _walk(pieces):
    for piece in pieces:
        yield piece
        yield from piece.members


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_parsing_never_raises_and_every_piece_gets_a_role(text):
    result = parse_text(normalise_text(text))
    for article in result.articles:
        assert article.headline
        for piece in _walk(article.pieces):
            assert piece.role, piece


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_every_input_line_ends_up_in_an_article_or_in_dropped_lines(text):
    text = normalise_text(text)
    result = parse_text(text)
    kept = re.sub(r"\s+", "", "\n".join(a.raw_text for a in result.articles))
    # A compact line may be cut into parts that are dropped one by one.
    dropped = sorted((re.sub(r"\s+", "", d.text) for d in result.dropped), key=len)
    for line in text.split("\n"):
        rest = re.sub(r"\s+", "", line)
        if not rest or rest in kept:
            continue
        for part in reversed(dropped):
            if part:
                rest = rest.replace(part, "", 1)
        assert not rest, line


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_what_an_article_drops_comes_from_its_raw_text(text):
    for article in parse_text(normalise_text(text)).articles:
        raw = re.sub(r"\s+", "", article.raw_text)
        for dropped in article.dropped:
            assert re.sub(r"\s+", "", dropped.text) in raw


WIDE = str.maketrans(",:;!?()", "，：；！？（）")


@settings(max_examples=300)
@given(st.text(max_size=200), st.sampled_from([" ", "\n", "\t", "\u3000", "  "]))
def test_fingerprint_ignores_whitespace_and_punctuation_width(text, space):
    spaced = space.join(text.split(" "))
    assert fingerprint(text) == fingerprint(spaced.translate(WIDE))
    assert fingerprint(text) == fingerprint(f"  {text}\n")


def test_fingerprint_tells_different_copy_apart():
    assert fingerprint("恒瑞醫藥授權新藥") != fingerprint("恒瑞醫藥授權舊藥")


@given(st.text(max_size=200))
def test_normalising_twice_changes_nothing(text):
    once = normalise_text(text)
    assert normalise_text(once) == once
