"""Article HTML: what may be stored, and the plain text derived from it.

Body HTML is cleaned with nh3 (the Rust ammonia sanitiser) every time an
article is saved, whatever path the HTML came by: the editor, a paste from
Word or a web page, the importer, the shell.
"""

import html
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import nh3
from django.conf import settings

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "strong", "em", "sub", "sup", "a", "ul", "ol", "li",
    "blockquote", "figure", "figcaption", "img", "table", "caption", "thead",
    "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# Pasted HTML uses tags we do not keep but whose meaning we do: rename them
# before sanitising so a Word heading stays a heading and a <div> stays a
# paragraph instead of running into its neighbour.
_RENAME = {
    "b": "strong", "i": "em", "h1": "h2", "h4": "h3", "h5": "h3", "h6": "h3",
    "div": "p", "section": "p", "article": "p", "header": "p", "footer": "p",
}  # fmt: skip
_RENAME_RE = re.compile(r"<(/?)(" + "|".join(_RENAME) + r")(?=[\s>/])", re.IGNORECASE)
_EMPTY_BLOCK_RE = re.compile(
    r"<(p|h2|h3|li|blockquote)>(?:\s|&nbsp;|\u00a0|<br>)*</\1>"
)
# nh3 writes attributes with double quotes and escapes any in values, so
# ` src="` can only be the attribute itself, not text inside an alt.
_IMG_WITHOUT_SRC_RE = re.compile(r"<img(?![^>]*\ssrc=\")[^>]*>")


# What a browser ignores in a URL before reading it (WHATWG URL standard):
# C0 controls and spaces around it, tabs and newlines anywhere.
_URL_EDGES = "".join(chr(c) for c in range(0x21))
_URL_IGNORED_RE = re.compile(r"[\t\n\r]")


def _is_protocol_relative(url: str) -> bool:
    """Whether a browser reads ``url`` as //host/...: another site, on a page of
    ours. nh3 passes it as a relative URL; a backslash counts as a slash."""
    url = _URL_IGNORED_RE.sub("", url.strip(_URL_EDGES)).replace("\\", "/")
    return url.startswith("//")


def _our_media_url(value: str) -> str | None:
    """``value`` if it names a file under MEDIA_URL, else None.

    Only our own media: a remote image leaks readers to a third party and can
    change after an editor has checked it. The URL is read as a browser would
    (edges and tabs dropped, percent-escapes decoded) before it is checked, and
    a backslash or a dot segment is refused outright: a browser would resolve
    ``/media/../admin/logout/`` to a page of ours that is not an image.
    """
    url = _URL_IGNORED_RE.sub("", value.strip(_URL_EDGES))
    decoded = unquote(url)
    if "\\" in decoded:
        return None
    if {".", ".."} & set(urlsplit(decoded).path.split("/")):
        return None
    media = settings.MEDIA_URL
    # Look for "//" only past MEDIA_URL's scheme and host (it may be a CDN).
    rest = decoded[max(len(media) - 1, 0) :]
    return url if decoded.startswith(media) and "//" not in rest else None


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if element == "a" and attribute == "href":
        # A link elsewhere says where it goes (https://...).
        return None if _is_protocol_relative(value) else value
    if element == "img" and attribute == "src":
        return _our_media_url(value)
    if attribute in {"width", "height", "colspan", "rowspan", "start"}:
        return value if value.isdigit() and len(value) <= 4 else None
    return value


_cleaner = None


def _get_cleaner() -> nh3.Cleaner:
    global _cleaner
    if _cleaner is None:
        _cleaner = nh3.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            clean_content_tags={
                "script",
                "style",
                "title",
                "noscript",
                "template",
                "iframe",
                "noembed",
                "noframes",
                "xmp",
                "object",
            },
            link_rel="noopener noreferrer",
            strip_comments=True,
            attribute_filter=_keep_attribute,
        )
    return _cleaner


def sanitize_html(value: str) -> str:
    """The allowed subset of ``value``: safe to store and render as is."""
    if not value:
        return ""
    # Some trees serialise to HTML that parses differently (a <p> or <a> nested
    # through a <select> the cleaner dropped); clean until the output is stable,
    # so saving an article again does not change its body.
    cleaned = _sanitize_once(value)
    for _attempt in range(3):
        again = _sanitize_once(cleaned)
        if again == cleaned:
            break
        cleaned = again
    return cleaned


def _sanitize_once(value: str) -> str:
    renamed = _RENAME_RE.sub(
        lambda m: f"<{m.group(1)}{_RENAME[m.group(2).lower()]}", value
    )
    cleaned = _get_cleaner().clean(renamed)
    cleaned = _IMG_WITHOUT_SRC_RE.sub("", cleaned)
    previous = None
    while previous != cleaned:  # nested empties such as <li><p></p></li>
        previous, cleaned = cleaned, _EMPTY_BLOCK_RE.sub("", cleaned)
    return cleaned.strip()


_BLOCKS = {"p", "h2", "h3", "li", "blockquote", "figcaption", "caption", "tr", "br",
           "table", "ul", "ol", "figure"}  # fmt: skip


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n")
        elif tag in {"td", "th"}:
            self.parts.append("\t")

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(value: str) -> str:
    """Readable plain text of article HTML: one line per paragraph."""
    if not value:
        return ""
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    text = html.unescape("".join(parser.parts)).replace("\u00a0", " ")
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


CJK_CHARACTER = r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]"
# Runs of them: summing the runs' lengths counts the characters without
# making a string of each (a fifth of the time on an article).
_CJK_RUN_RE = re.compile(CJK_CHARACTER + "+")
_LATIN_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.\-]*")

# Chinese readers take in about 400-500 characters a minute; English readers
# about 230 words. Digits and Latin words inside Chinese copy count as words.
CJK_CHARS_PER_MINUTE = 450
LATIN_WORDS_PER_MINUTE = 230


def count_characters(text: str) -> int:
    """Characters a person would count: everything but white space."""
    return len(re.sub(r"\s", "", text or ""))


def counted_text(headline: str, dek: str, key_points, body_text: str) -> str:
    """What an article's length and reading time are counted on."""
    return "\n".join([headline, dek, *key_points, body_text])


# What Article.reading_minutes (a PositiveSmallIntegerField) holds at most.
MAX_STORED_MINUTES = 32767


def stored_reading_minutes(headline, dek, key_points, body_text) -> int:
    """Article.reading_minutes for these fields (Article.derive_columns and
    the migration that filled the column)."""
    text = counted_text(headline, dek, key_points, body_text)
    return min(reading_minutes(text), MAX_STORED_MINUTES)


def reading_minutes(text: str) -> int:
    """Whole minutes to read ``text``, at least one for any text."""
    if not text or not text.strip():
        return 0
    cjk = sum(map(len, _CJK_RUN_RE.findall(text)))
    words = len(_LATIN_WORD_RE.findall(text))
    minutes = cjk / CJK_CHARS_PER_MINUTE + words / LATIN_WORDS_PER_MINUTE
    return max(1, round(minutes + 0.49))
