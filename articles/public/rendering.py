"""Company links in an article's body, made as the page renders.

The first mention of each company the article is linked to (by ticker or by
name) becomes a link to the company page. Stored HTML is never rewritten: the
links are added to a copy on the way out and the result is cached, keyed by
the body, the linked companies and the edition (URLs differ per edition).

Text inside links, headings, code and preformatted blocks is left alone, and
attributes are never touched: the body is re-emitted token by token exactly
as it was parsed, with new ``<a>`` elements only around text.
"""

import hashlib
from html.parser import HTMLParser

from django.conf import settings
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from companies.matching import get_matcher
from companies.tickers import find_tickers

# Elements whose text never gets a company link: a link inside a link is
# invalid HTML, and headings, code and captions read badly with one.
NO_LINK_ELEMENTS = frozenset(
    {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "script", "style"}
)
CACHE_PREFIX = "company-links:v1:"
CACHE_SECONDS = 24 * 60 * 60


class _Target:
    __slots__ = ("company_id", "url", "tickers")

    def __init__(self, company):
        self.company_id = company.pk
        self.url = company.get_absolute_url()
        self.tickers = {str(t) for t in company.listings}


class _Linker(HTMLParser):
    """Copies HTML through, linking the first mention of each target in text."""

    def __init__(self, targets: dict[int, _Target]):
        super().__init__(convert_charrefs=False)
        self.targets = targets
        self.by_ticker = {
            ticker: target for target in targets.values() for ticker in target.tickers
        }
        self.matcher = get_matcher()
        self.done: set[int] = set()
        self.closed: list[str] = []  # open no-link elements, innermost last
        self.out: list[str] = []

    # Every token is written back as it came; only text is ever changed.
    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())
        if tag in NO_LINK_ELEMENTS:
            self.closed.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")
        if tag in self.closed:
            while self.closed and self.closed.pop() != tag:
                pass

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.out.append(f"<![{data}]>")

    def handle_data(self, data):
        if self.closed or len(self.done) == len(self.targets):
            self.out.append(data)
            return
        self.out.append(self._link(data))

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

    def _link(self, text: str) -> str:
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


def link_companies(html: str, companies) -> str:
    """``html`` with the first mention of each of ``companies`` linked."""
    targets = {company.pk: _Target(company) for company in companies}
    if not targets or not html:
        return html
    linker = _Linker(targets)
    linker.feed(html)
    linker.close()
    return "".join(linker.out)


def _cache_key(html: str, companies) -> str:
    digest = hashlib.sha256(html.encode())
    digest.update((get_language() or "").encode())
    for company in sorted(companies, key=lambda c: c.pk):
        tickers = ",".join(sorted(str(t) for t in company.listings))
        digest.update(
            f"|{company.pk}:{company.slug}:{company.updated_at.isoformat()}:"
            f"{tickers}".encode()
        )
    return CACHE_PREFIX + digest.hexdigest()


def body_with_company_links(article, companies) -> SafeString:
    """The article's body for readers, company links added; cached.

    ``companies`` are the article's companies (with their ``listings``).
    """
    companies = list(companies)
    html = article.body or ""
    if not companies:
        return mark_safe(html)  # sanitised by Article.save()
    key = _cache_key(html, companies)
    linked = cache.get(key)
    if linked is None:
        linked = link_companies(html, companies)
        cache.set(
            key, linked, getattr(settings, "COMPANY_LINKS_CACHE_SECONDS", CACHE_SECONDS)
        )
    return mark_safe(linked)
