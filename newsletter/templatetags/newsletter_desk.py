"""The newsletter's charts on the desk's start page (for who may see subscribers)."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from newsletter import desk_charts
from newsroom import charts

register = template.Library()


@register.simple_tag(takes_context=True)
def nr_newsletter_charts(context):
    """{"subscribers": figure, "last_send": figure or None}, or None."""
    if not context["request"].user.has_perm("newsletter.view_subscriber"):
        return None
    return {
        "subscribers": charts.figure(
            desk_charts.subscribers_per_week(now=timezone.now()),
            column_heading=_("Week of"),
        ),
        "last_send": desk_charts.last_send(),
    }
