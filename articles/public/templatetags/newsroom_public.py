"""Template filters and tags for the public site."""

from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone

from newsroom import display

register = template.Library()

# Readers are told times in Hong Kong, whatever the server's zone.
HONG_KONG = ZoneInfo("Asia/Hong_Kong")


def _local(value):
    if timezone.is_aware(value):
        return timezone.localtime(value, HONG_KONG)
    return value


@register.filter
def hk_date(value):
    """``2026年11月21日``, in Hong Kong time."""
    return display.hk_date(value)


@register.filter
def hk_datetime(value):
    """``2026年11月21日 14:05 HKT``, in Hong Kong time."""
    return display.hk_datetime(value)


@register.filter
def hk_isoformat(value):
    """ISO 8601 with the Hong Kong offset, for ``<time datetime>``."""
    if not value:
        return ""
    return _local(value).isoformat(timespec="seconds")


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's absolute URL without its query string, except the page number."""
    request = context.get("request")
    if request is None:
        return ""
    url = request.build_absolute_uri(request.path)
    page = request.GET.get("page", "")
    if page.isdigit() and page != "1":
        url += f"?page={page}"
    return url
