"""The newsletter on the desk's start page, for who may see subscribers.

Template tags, so the dashboard (articles/) shows them without importing the
newsletter: the charts (subscribers per week, the last send) and following
(the most-followed companies, today's alerts; templates/admin/index.html
includes templates/newsletter/desk/following_panel.html). A fixed number of
queries, whatever the number of subscribers.
"""

from django import template
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from newsletter import desk_charts
from newsletter.alerts import hk_day_start
from newsletter.models import AlertDelivery, Follow
from newsroom import charts

register = template.Library()
SHOWN = 10


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


@register.simple_tag(takes_context=True)
def following_desk(context):
    """{most_followed, alerts_today, alerted_articles}, or None if not allowed."""
    user = context["request"].user
    if not user.has_perm("newsletter.view_subscriber"):
        return None
    most_followed = list(
        Follow.objects.filter(company__isnull=False)
        .values("company_id", "company__name")
        .annotate(followers=Count("pk"))
        .order_by("-followers", "company__name")[:SHOWN]
    )
    sent_today = AlertDelivery.objects.filter(
        status=AlertDelivery.Status.SENT, sent_at__gte=hk_day_start()
    )
    return {
        "most_followed": most_followed,
        "alerts_today": sent_today.count(),
        "alerted_articles": list(
            sent_today.values("article_id", "article__headline")
            .annotate(sent=Count("pk"))
            .order_by("-sent")[:SHOWN]
        ),
    }
