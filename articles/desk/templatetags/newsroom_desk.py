"""Template tags of the desk: the dashboard, quick actions, Hong Kong times."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.desk import dashboard, desk_charts, quick_actions, scheduling
from newsroom import charts

register = template.Library()


@register.simple_tag(takes_context=True)
def nr_dashboard(context):
    """The dashboard of the person viewing the admin's index page."""
    return dashboard.build(context["request"].user, now=timezone.now())


@register.simple_tag
def nr_published_chart():
    """Articles published per day over the last 30 days, as a figure."""
    return charts.figure(
        desk_charts.published_per_day(now=timezone.now()), column_heading=_("Day")
    )


@register.simple_tag(takes_context=True)
def nr_quick_controls(context, article, prefix=""):
    """The quick actions the viewer may take on ``article``, or None."""
    return quick_actions.controls_for(article, context["request"].user, prefix=prefix)


@register.simple_tag
def nr_schedule_presets():
    return scheduling.preset_choices(timezone.now())


@register.simple_tag
def nr_quick_url(article_pk, name):
    return quick_actions.form_action(article_pk, name)


@register.simple_tag
def nr_now_input():
    """Now, as a datetime-local value in Hong Kong time (the inputs' ``min``)."""
    return scheduling.input_value(timezone.now())


@register.simple_tag
def nr_now_ms():
    """The server's clock in milliseconds, for the past-time check in the browser."""
    return int(timezone.now().timestamp() * 1000)


@register.filter
def hk_time(value):
    """ "2026年12月3日 09:30 Hong Kong time (HKT)", translated."""
    return scheduling.hk_time(value)


@register.filter
def goes_live_in(value):
    """ "goes live in 2 h 15 min" for a time in the future, else ""."""
    return scheduling.goes_live_in(value)
