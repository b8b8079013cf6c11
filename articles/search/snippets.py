"""Snippets and highlighting: the matched words in <mark>, in the original text.

Matching runs on the folded text (newsroom.chinese.fold, which keeps every
position), so 雲知聲 in the copy is marked for a query 云知声 and the reader
sees the copy's own characters; the Simplified edition converts the text
around and inside the <mark>s like any other page text.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from newsroom.chinese import fold

SNIPPET_LENGTH = 140
# How much text to show before the first match.
LEAD = 40


def _pattern(needles: list[tuple[str, bool]]) -> re.Pattern | None:
    parts = []
    for text, whole_word in sorted(needles, key=lambda n: -len(n[0])):
        if not text:
            continue
        part = re.escape(text)
        if whole_word:
            part = rf"(?<![a-z0-9]){part}(?![a-z0-9])"
        parts.append(part)
    return re.compile("|".join(parts)) if parts else None


def _spans(text: str, pattern) -> list[tuple[int, int]]:
    if pattern is None or not text:
        return []
    return [m.span() for m in pattern.finditer(fold(text)) if m.end() > m.start()]


def _marked(text: str, spans, start: int, end: int) -> str:
    pieces, cursor = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        pieces.append(escape(text[cursor:s]))
        pieces.append(f"<mark>{escape(text[s:e])}</mark>")
        cursor = e
    pieces.append(escape(text[cursor:end]))
    return "".join(pieces)


def highlight(text: str, needles) -> SafeString:
    """All of ``text``, escaped, with the matches in <mark>."""
    return mark_safe(_marked(text, _spans(text, _pattern(needles)), 0, len(text)))


def snippet(text: str, needles, *, fallback: str = "") -> SafeString:
    """About SNIPPET_LENGTH characters of ``text`` around the first match, marked.

    Without a match (the article matched on its headline or a company): the
    start of ``fallback`` or of ``text``, unmarked.
    """
    text = " ".join(str(text or "").split())
    spans = _spans(text, _pattern(needles))
    if not spans:
        source = " ".join(str(fallback or text).split())
        shown = escape(source[:SNIPPET_LENGTH])
        return mark_safe(shown + ("…" if len(source) > SNIPPET_LENGTH else ""))
    start = max(0, spans[0][0] - LEAD)
    end = min(len(text), start + SNIPPET_LENGTH)
    start = max(0, min(start, end - SNIPPET_LENGTH))
    body = _marked(text, spans, start, end)
    return mark_safe(
        ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")
    )
