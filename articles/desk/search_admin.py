"""The admin's article search through the search index (every status).

The change list keeps its own ordering and filters; the index decides which
articles match, so a search by ticker or in the other script finds what the
public search would, drafts included. A plain substring match on the
headline is kept beside it: an article whose index entry is not written yet
(a save outside a committed transaction) is still found by its headline.
"""

from django.db.models import Q
from django.db.models.expressions import RawSQL

from .. import search


class SearchIndexAdminMixin:
    """A ModelAdmin mixin for Article: ``get_search_results`` via the index."""

    def get_search_results(self, request, queryset, search_term):
        """Articles of ``queryset`` matching ``search_term``; no duplicates."""
        term = search_term.strip()[: search.MAX_QUERY_LENGTH]
        if not term:
            return queryset, False
        condition = Q(headline__icontains=term)
        query = search.parse_typed_query(term)
        if query:
            sql, params = search.matching_ids(query)
            condition |= Q(pk__in=RawSQL(sql, params))
        return queryset.filter(condition), False
