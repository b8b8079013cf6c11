"""The public search page: /search/?q=, with the list filters, in both editions.

Only ``Article.objects.live()`` is searched, filtered at query time, so a
scheduled article appears at its time without a reindex.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from newsroom import pagecache

from .. import search
from ..models import Article
from .filters import ArticleFilter
from .views import LIST_PARAMS, PER_PAGE


def for_results(queryset):
    """What a result card shows (byline, companies and tickers), in a fixed
    number of queries; not the body's HTML, which can be long: the snippet
    comes from the plain text."""
    return queryset.with_cards().defer("body")


@pagecache.cached("q", *LIST_PARAMS)
def search_page(request):
    raw = request.GET.get("q", "")
    query = search.parse_typed_query(raw)
    filterset = ArticleFilter(request.GET, queryset=Article.objects.live())
    page, capped = None, False
    if query:
        results = search.search(query, filterset.qs, prepare=for_results)
        page = Paginator(results, PER_PAGE).get_page(request.GET.get("page"))
        # Counted up to search.MAX_RESULTS only: the page says "1,000+".
        capped = results.capped
    notices = filterset.unknown_messages()
    if query.truncated:
        notices.append(
            _("Only the first %(count)d characters of the search were used.")
            % {"count": search.MAX_QUERY_LENGTH}
        )
    return render(
        request,
        "articles/search.html",
        {
            "query": query,
            "typed": bool(raw.strip()),
            "filter": filterset,
            "page": page,
            "capped": capped,
            "messages_for_filter": notices,
        },
    )
