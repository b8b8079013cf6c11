"""Template tags for the edition switch and the hreflang links."""

from urllib.parse import quote

from django import template
from django.utils.encoding import escape_uri_path

from newsroom import editions

register = template.Library()


@register.simple_tag(takes_context=True)
def edition_urls(context):
    """The current page in both editions: paths with the query, and absolute URLs.

    Returns a dict with ``simplified`` (is this the Simplified edition?),
    ``traditional`` and ``simplified_url`` paths, and ``traditional_absolute``
    and ``simplified_absolute`` for hreflang.
    """
    request = context.get("request")
    if request is None:
        return {}
    path_info = request.path_info
    script_prefix = request.path[: len(request.path) - len(path_info)]
    query = _query_string(request)
    suffix = f"?{query}" if query else ""
    traditional = escape_uri_path(script_prefix + editions.traditional_path(path_info))
    simplified = escape_uri_path(script_prefix + editions.simplified_path(path_info))
    traditional += suffix
    simplified += suffix
    return {
        "simplified": editions.is_simplified_path(path_info),
        "traditional_url": traditional,
        "simplified_url": simplified,
        "traditional_absolute": request.build_absolute_uri(traditional),
        "simplified_absolute": request.build_absolute_uri(simplified),
    }


def _query_string(request) -> str:
    """The raw query string, percent-encoded (browsers send it so already)."""
    query = request.META.get("QUERY_STRING", "")
    try:
        # WSGI hands over the bytes decoded as latin-1.
        raw = query.encode("latin-1")
    except UnicodeEncodeError:
        raw = query.encode("utf-8")
    return quote(raw, safe="/#%[]=:;$&()+,!?*@'~")
