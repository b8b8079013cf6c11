"""The Traditional and Simplified editions of the public site.

Content is written once, in (Hong Kong) Traditional Chinese. The Simplified
edition of every public page lives at the same path under /zh-hans/ and is
converted from the Traditional response with OpenCC (newsroom/chinese.py).
Only human-readable text is converted: text nodes and a few attributes
(title, alt, aria-label, ...), never URLs, <script> or <style>. Everything
outside the converted text is byte-identical. Conversions are cached by a
hash of the text they convert, so a page that differs only in URLs or tokens
still hits the cache.
"""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.urls import LocalePrefixPattern, URLResolver
from django.utils.translation import get_language

from newsroom.chinese import SIMPLIFIED_CONFIG, to_simplified

SIMPLIFIED = "zh-hans"
TRADITIONAL = "zh-hant"
SIMPLIFIED_PREFIX = "/zh-hans"

# Bump when the conversion rules change, so old cached conversions are not used.
CACHE_VERSION = 1

CONVERTED_CONTENT_TYPES = (
    "text/html",
    "application/rss+xml",
    "application/atom+xml",
)


# --- URLs --------------------------------------------------------------------


def is_simplified_path(path: str) -> bool:
    return path == SIMPLIFIED_PREFIX or path.startswith(SIMPLIFIED_PREFIX + "/")


def traditional_path(path: str) -> str:
    """The Traditional edition's path for ``path`` (in either edition)."""
    if is_simplified_path(path):
        return path[len(SIMPLIFIED_PREFIX) :] or "/"
    return path


def simplified_path(path: str) -> str:
    """The Simplified edition's path for ``path`` (in either edition)."""
    if is_simplified_path(path):
        return path
    return SIMPLIFIED_PREFIX + path


class EditionPrefixPattern(LocalePrefixPattern):
    """Prefix public URLs with zh-hans/ in the Simplified edition only.

    Django's LocalePrefixPattern prefixes every non-default language, so an
    editor whose admin is in English would reverse public URLs (view on site,
    preview links) to /en/..., which does not exist: there are two editions,
    not one per interface language.
    """

    @property
    def language_prefix(self):
        return "zh-hans/" if get_language() == SIMPLIFIED else ""


def edition_patterns(*urls):
    """Like i18n_patterns(prefix_default_language=False), for the two editions."""
    return [
        URLResolver(EditionPrefixPattern(prefix_default_language=False), list(urls))
    ]


# --- Conversion --------------------------------------------------------------

# A private-use character: in no OpenCC dictionary, so no phrase spans it.
_SEPARATOR = "\ue000"

_TOKEN = re.compile(
    r"""
      (?P<comment><!--.*?(?:-->|\Z))
    | (?P<decl><![^>]*>|<\?[^>]*>)
    | (?P<end></[A-Za-z][^>]*>)
    | (?P<start><(?P<name>[A-Za-z][^\s/>]*)(?:[^>"']|"[^"]*"|'[^']*')*>)
    """,
    re.VERBOSE | re.DOTALL,
)
_ATTRIBUTE = re.compile(
    r"""([^\s"'>/=]+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<uq>[^\s"'>]+)))?"""
)
# Elements whose contents are never converted: raw text (scripts and styles,
# JSON-LD included), and in feeds the elements that hold URLs as text.
_RAW_TEXT = {"script", "style"}
_FEED_URL_ELEMENTS = {"link", "guid", "id", "uri", "url", "comments", "docs", "icon"}
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
    "param", "source", "track", "wbr",
}  # fmt: skip
_TEXT_ATTRIBUTES = {
    "title", "alt", "aria-label", "aria-description", "aria-roledescription",
    "aria-valuetext", "placeholder", "label",
}  # fmt: skip
_META_TEXT_NAMES = {
    "description", "keywords", "og:title", "og:description", "og:site_name",
    "og:image:alt", "twitter:title", "twitter:description", "twitter:image:alt",
}  # fmt: skip
# translate="no" (HTML's "do not translate this") keeps an element Traditional:
# the edition switch's 繁體 label, for one.
_KEEP_SCRIPT = re.compile(r"\stranslate\s*=\s*[\"']?no\b", re.IGNORECASE)
_TRADITIONAL_LANG = re.compile(r"zh-(?:hant(?:-\w+)?|hk|tw|mo)", re.IGNORECASE)


def _is_text(segment: str) -> bool:
    # Only non-ASCII text can change; skipping the rest keeps the work small.
    return not segment.isascii()


class _Document:
    """An HTML or XML document split into pieces, some marked for conversion."""

    def __init__(self, markup: str, *, feed: bool = False):
        self.pieces: list[str] = []
        self.convert: list[int] = []
        self._split(markup, feed)

    def _text(self, text: str) -> None:
        if text:
            if _is_text(text):
                self.convert.append(len(self.pieces))
            self.pieces.append(text)

    def _verbatim(self, text: str) -> None:
        if text:
            self.pieces.append(text)

    def _split(self, markup: str, feed: bool) -> None:
        position = 0
        length = len(markup)
        while position < length:
            match = _TOKEN.search(markup, position)
            if match is None:
                self._text(markup[position:])
                break
            self._text(markup[position : match.start()])
            position = match.end()
            if match.group("start") is None:
                self._verbatim(match.group())
                continue
            name = match.group("name").lower()
            tag = match.group()
            self_closing = tag.endswith("/>") or (not feed and name in _VOID)
            keep = "translate" in tag and _KEEP_SCRIPT.search(tag)
            self._start_tag(tag, name, convert_attributes=not keep)
            skip_contents = (
                name in _RAW_TEXT
                or (keep and not self_closing)
                or (feed and name in _FEED_URL_ELEMENTS and not self_closing)
            )
            if skip_contents:
                position = self._skip_element(markup, position, name)

    def _skip_element(self, markup: str, position: int, name: str) -> int:
        """Copy the element's contents verbatim up to its matching end tag."""
        if name in _RAW_TEXT:
            end = re.compile(rf"</{name}\b[^>]*>", re.IGNORECASE)
            match = end.search(markup, position)
            stop = match.end() if match else len(markup)
            self._verbatim(markup[position:stop])
            return stop
        tags = re.compile(rf"<(/?){re.escape(name)}(?=[\s/>])[^>]*>", re.IGNORECASE)
        depth = 1
        for match in tags.finditer(markup, position):
            if match.group(1):
                depth -= 1
            elif not match.group().endswith("/>"):
                depth += 1
            if depth == 0:
                self._verbatim(markup[position : match.end()])
                return match.end()
        self._verbatim(markup[position:])
        return len(markup)

    def _start_tag(self, tag: str, name: str, *, convert_attributes: bool) -> None:
        nothing_to_do = not _is_text(tag) and "lang" not in tag.lower()
        if not convert_attributes or nothing_to_do:
            self._verbatim(tag)
            return
        # Attributes start after the element name.
        offset = 1 + len(name)
        attributes = list(_ATTRIBUTE.finditer(tag, offset))
        values = {m.group(1).lower(): _value(m) for m in attributes}
        meta_text = name == "meta" and (
            (values.get("name") or "").lower() in _META_TEXT_NAMES
            or (values.get("property") or "").lower() in _META_TEXT_NAMES
        )
        cursor = 0
        for match in attributes:
            attribute = match.group(1).lower()
            group = next((g for g in ("dq", "sq", "uq") if match.group(g)), None)
            if group is None:
                continue
            start, end = match.span(group)
            value = match.group(group)
            if attribute == "lang" and _TRADITIONAL_LANG.fullmatch(value):
                # The converted text is Simplified: say so.
                self._verbatim(tag[cursor:start])
                self._verbatim("zh-Hans")
                cursor = end
            elif attribute in _TEXT_ATTRIBUTES or (
                meta_text and attribute == "content"
            ):
                self._verbatim(tag[cursor:start])
                self._text(value)
                cursor = end
        self._verbatim(tag[cursor:])

    def render(self, converted: list[str]) -> str:
        pieces = self.pieces
        for index, text in zip(self.convert, converted, strict=True):
            pieces[index] = text
        return "".join(pieces)


def _value(match: re.Match) -> str | None:
    return match.group("dq") or match.group("sq") or match.group("uq")


def _cache_key(kind: str, data: bytes) -> str:
    digest = hashlib.blake2b(data, digest_size=20).hexdigest()
    return f"edition:{SIMPLIFIED_CONFIG}:{CACHE_VERSION}:{kind}:{digest}"


def _cache_timeout() -> int:
    return settings.EDITION_CACHE_TIMEOUT


def _convert_segments(segments: list[str]) -> list[str]:
    if not segments:
        return []
    if any(_SEPARATOR in segment for segment in segments):
        # Text containing the separator itself: convert piece by piece, uncached.
        return [to_simplified(segment) for segment in segments]
    joined = _SEPARATOR.join(segments)
    key = _cache_key("text", joined.encode("utf-8"))
    converted = cache.get(key)
    if converted is None:
        converted = to_simplified(joined)
        cache.set(key, converted, _cache_timeout())
    parts = converted.split(_SEPARATOR)
    if len(parts) != len(segments):  # pragma: no cover - OpenCC kept the separator
        return [to_simplified(segment) for segment in segments]
    return parts


def convert_markup(markup: str, *, feed: bool = False) -> str:
    """Convert the human-readable text of an HTML page or XML feed to Simplified."""
    document = _Document(markup, feed=feed)
    segments = [document.pieces[index] for index in document.convert]
    return document.render(_convert_segments(segments))


def convert_response(response, request=None) -> None:
    """Convert a Traditional HTML page or feed response to Simplified, in place."""
    if response.streaming or response.has_header("Content-Encoding"):
        return
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type not in CONVERTED_CONTENT_TYPES or not response.content:
        return
    charset = response.charset or "utf-8"
    # The same page for everyone (no cookie set or read): keep the whole
    # converted document, so a repeat costs one hash and one cache read. Pages
    # per person (CSRF tokens, sessions) still reuse the cached text conversion.
    # Not with a query string: it is copied into the page (the other
    # edition's link), so each junk ?utm=… would keep a copy (issue 17).
    session = getattr(request, "session", None)
    shared = (
        not (request is not None and request.META.get("QUERY_STRING"))
        and not response.cookies
        and "cookie" not in response.get("Vary", "").lower()
        and not (session is not None and session.accessed)
    )
    if shared:
        page_key = _cache_key("page", content_type.encode() + b"\n" + response.content)
        converted = cache.get(page_key)
        if converted is not None:
            _set_content(response, converted)
            return
    try:
        markup = response.content.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return
    feed = content_type != "text/html"
    converted = convert_markup(markup, feed=feed).encode(charset)
    if shared:
        cache.set(page_key, converted, _cache_timeout())
    _set_content(response, converted)


def _set_content(response, content: bytes) -> None:
    response.content = content
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
