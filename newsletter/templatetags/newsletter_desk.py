"""The desk's view of following: the most-followed companies, today's alerts.

A template tag, so the dashboard (articles/) shows it without importing the
newsletter: templates/admin/index.html includes
templates/newsletter/desk/following_panel.html. Three queries, whatever the
number of subscribers.
"""

from django import template
from django.db.models import Count

from newsletter.alerts import hk_day_start
from newsletter.models import AlertDelivery, Follow

register = template.Library()
SHOWN = 10


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
