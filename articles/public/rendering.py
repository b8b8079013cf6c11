"""Company links in an article's body, made as the page renders.

The first mention of each company the article is linked to (by ticker or by
name) becomes a link to the company page. Stored HTML is never rewritten: the
links are added to a copy on the way out. Nothing is cached: a body of 4,000
characters is linked in about 0.3 ms (bench/article_parts.py).

Text inside links, headings, code and preformatted blocks is left alone, and
attributes are never touched: the body is written back token by token exactly
as it was stored, with new ``<a>`` elements only around text.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from companies.matching import get_matcher
from companies.tickers import find_tickers

# Elements whose text never gets a company link: a link inside a link is
# invalid HTML, and headings, code and captions read badly with one.
NO_LINK_ELEMENTS = frozenset(
    {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "script", "style"}
)

# What is not text in a body: a comment, a tag (its quoted attribute values
# may hold ">"), a character reference. A stored body is sanitised HTML
# (articles/sanitize.py): "<" in text is written "&lt;", so every "<" the
# pattern does not take is text, as a browser reads it.
_MARKUP = re.compile(
    r"<!--.*?-->"
    r"|</?[a-zA-Z][^\s/>]*(?:[^\"'>]|\"[^\"]*\"|'[^']*')*>"
    r"|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);",
    re.DOTALL,
)
_TAG = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)")


class _Target:
    __slots__ = ("company_id", "url", "tickers")

    def __init__(self, company):
        self.company_id = company.pk
        self.url = company.get_absolute_url()
        self.tickers = {str(t) for t in company.listings}


class _Linker:
    """Links the first mention of each target in the text it is given."""

    def __init__(self, targets: dict[int, _Target], version=None):
        self.targets = targets
        self.by_ticker = {
            ticker: target for target in targets.values() for ticker in target.tickers
        }
        self.matcher = get_matcher(version)
        self.done: set[int] = set()

    def _mentions(self, text: str) -> list[tuple[int, int, _Target]]:
        found = []
        for mention in find_tickers(text):
            target = self.by_ticker.get(str(mention.ticker))
            if target is not None:
                found.append((mention.start, mention.end, target))
        for mention in self.matcher.find(text):
            target = self.targets.get(mention.company_id)
            if target is not None:
                found.append((mention.start, mention.end, target))
        found.sort(key=lambda m: (m[0], -m[1]))
        return found

    def link(self, text: str, closed: list[str]) -> str:
        """``text`` with its first mentions linked, unless it is inside one of
        ``closed`` or every target is linked already."""
        if not text or closed or len(self.done) == len(self.targets):
            return text
        pieces, position = [], 0
        for start, end, target in self._mentions(text):
            if start < position or target.company_id in self.done:
                continue
            self.done.add(target.company_id)
            pieces.append(text[position:start])
            # ``text`` is raw HTML text (entities arrive separately), so the
            # slice is already escaped; the URL is ours but escaped anyway.
            pieces.append(
                f'<a class="company-link" href="{escape(target.url)}">'
                f"{text[start:end]}</a>"
            )
            position = end
        pieces.append(text[position:])
        return "".join(pieces)


def _track(markup: str, closed: list[str]) -> None:
    """Keep ``closed`` (the open no-link elements, innermost last) up to date
    past ``markup``."""
    tag = _TAG.match(markup)
    if tag is None:  # a comment or a character reference
        return
    end, name = tag.group(1), tag.group(2).lower()
    if end and name in closed:
        while closed.pop() != name:
            pass
    elif not end and name in NO_LINK_ELEMENTS and not markup.endswith("/>"):
        closed.append(name)


def link_companies(html: str, companies, version=None) -> str:
    """``html`` with the first mention of each of ``companies`` linked
    (``version``: the companies' version, if read already; see get_matcher)."""
    targets = {company.pk: _Target(company) for company in companies}
    if not targets or not html:
        return html
    linker = _Linker(targets, version)
    out, position, closed = [], 0, []
    for markup in _MARKUP.finditer(html):
        if len(linker.done) == len(targets):
            break  # the rest goes out as it is
        out += (linker.link(html[position : markup.start()], closed), markup.group())
        position = markup.end()
        _track(markup.group(), closed)
    out.append(linker.link(html[position:], closed))
    return "".join(out)


def body_with_company_links(article, companies, version=None) -> SafeString:
    """The article's body for readers, company links added.

    ``companies`` are the article's companies (with their ``listings``);
    ``version``: as link_companies.
    """
    # Sanitised by Article.save().
    return mark_safe(link_companies(article.body or "", list(companies), version))
