"""Search that understands Chinese: one analyser, one index, two databases.

- ``analysis``: text → terms, the same for documents and queries (scripts and
  variants folded, CJK bigrams, words, tickers); ``parse_query``.
- ``backends``: SQLite FTS5 or PostgreSQL full-text behind one interface.
- ``indexing``: what of an article is indexed, and keeping it current.
- ``snippets``: the matched words in <mark>.

``search(query, queryset)`` gives the ranked articles of ``queryset`` (already
filtered: ``Article.objects.live()`` on the public site, so visibility needs
no reindex) that match ``query``, as a sequence a Paginator can page.
"""

from companies.models import Ticker
from companies.tickers import ticker_candidates

from .analysis import MAX_QUERY_LENGTH, Query, analyse, parse_query
from .backends import CANDIDATES, get_backend
from .indexing import index_article, index_articles, rebuild
from .snippets import highlight, snippet

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_RESULTS",
    "Query",
    "SearchResults",
    "analyse",
    "get_backend",
    "highlight",
    "index_article",
    "index_articles",
    "matching_ids",
    "parse_query",
    "parse_typed_query",
    "rebuild",
    "search",
    "snippet",
]

# Counted no further, and paged no further: the bounded ranking holds at least
# this many (backends.CANDIDATES).
MAX_RESULTS = CANDIDATES


class SearchResults:
    """The ranked matches of ``query`` in ``queryset``, fetched a page at a time.

    Supports ``count()``, ``len()`` and slicing, which is all Paginator needs;
    ``prepare`` adds what the page shows (prefetches) to each slice's query.
    """

    def __init__(self, query: Query, queryset, *, prepare=None):
        self.query, self.queryset = query, queryset
        self.prepare = prepare or (lambda qs: qs)
        self.backend = get_backend()
        self._count = None
        self.capped = False

    def count(self) -> int:
        """How many match, up to MAX_RESULTS; ``capped`` says when there are more.

        Counting (and ranking) every match of a common word would cost time in
        proportion to the matches; the page says "1,000+" and pages that far.
        """
        if self._count is None:
            found = (
                self.backend.count(self.query, self.queryset, limit=MAX_RESULTS + 1)
                if self.query
                else 0
            )
            self.capped = found > MAX_RESULTS
            self._count = min(found, MAX_RESULTS)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        start = key.start or 0
        stop = self.count() if key.stop is None else key.stop
        if stop <= start or not self.query:
            return []
        stop = min(stop, self.count())
        if stop <= start:
            return []
        ids = self.backend.ranked_ids(
            self.query,
            self.queryset,
            limit=stop - start,
            offset=start,
            bounded=self.capped,
        )
        by_pk = self.prepare(self.queryset.model.objects.filter(pk__in=ids)).in_bulk()
        articles = [by_pk[pk] for pk in ids if pk in by_pk]
        needles = self.query.needles
        for article in articles:
            article.search_headline = highlight(article.headline, needles)
            article.search_snippet = snippet(
                article.body_text, needles, fallback=article.dek
            )
        return articles


def parse_typed_query(text: str) -> Query:
    """parse_query, except that a code typed alone in any spelling (``00700``,
    ``700 HK Equity``, ``HKEX: 700``, ``６６３８.HK``, a bare ``9988``) that a
    company has is searched as that ticker, so every spelling finds the same."""
    query = parse_query(text)
    typed = query.text
    # A bare word ("solar") stays a word; a bare number is a code if a
    # company has it (one query, only when the text can be a code at all).
    qualified = bool(ticker_candidates(typed, bare=False))
    if qualified or (typed.isdigit() and ticker_candidates(typed)):
        found = Ticker.objects.lookup(typed)
        if found is not None:
            as_ticker = parse_query(str(found))
            return Query(text=typed, units=as_ticker.units, truncated=query.truncated)
    return query


def search(query: Query | str, queryset, *, prepare=None) -> SearchResults:
    """The articles of ``queryset`` matching ``query``, best first."""
    if not isinstance(query, Query):
        query = parse_typed_query(query)
    return SearchResults(query, queryset, prepare=prepare)


def matching_ids(query: Query):
    """SQL and parameters selecting the ids of every article matching ``query``."""
    return get_backend().matching_ids(query)
