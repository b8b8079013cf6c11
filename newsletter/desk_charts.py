"""The desk's newsletter charts: subscribers week by week, the last send.

A fixed number of queries whatever the list's size (two for the weeks, two
for the last send), counted at two volumes in tests/newsletter/test_desk_charts.py.
"""

from datetime import datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from newsroom import charts
from newsroom.charts import Chart, Series

from .models import Delivery, Issue, SubscriptionEvent

WEEKS = 12
Kind = SubscriptionEvent.Kind


def subscribers_per_week(*, now: datetime | None = None, weeks: int = WEEKS) -> Chart:
    """Sign-ups, unsubscribes and bounces (complaints with them), per ISO week."""
    now = now or timezone.now()
    tz = timezone.get_default_timezone()
    today = timezone.localdate(now, tz)
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    rows = (
        SubscriptionEvent.objects.filter(
            at__gte=datetime.combine(first, time.min, tzinfo=tz),
            kind__in=[Kind.CONFIRMED, Kind.UNSUBSCRIBED, Kind.BOUNCED, Kind.COMPLAINED],
        )
        .annotate(day=TruncDate("at", tzinfo=tz))
        .values("day", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    series = [
        Series("signed_up", _("Sign-ups (confirmed)")),
        Series("unsubscribed", _("Unsubscribes")),
        Series("bounced", _("Bounces and complaints")),
    ]
    into = {
        Kind.CONFIRMED: "signed_up",
        Kind.UNSUBSCRIBED: "unsubscribed",
        Kind.BOUNCED: "bounced",
        Kind.COMPLAINED: "bounced",
    }
    values = {s.key: [0] * weeks for s in series}
    for row in rows:
        index = (row["day"] - first).days // 7
        if 0 <= index < weeks:
            values[into[row["kind"]]][index] += row["n"]
    mondays = [first + timedelta(weeks=n) for n in range(weeks)]
    return Chart(
        id="chart-subscribers",
        title=_("Newsletter subscribers week by week, last %(weeks)s weeks")
        % {"weeks": weeks},
        description=_(
            "%(signed)s sign-ups, %(left)s unsubscribes and %(bounced)s bounces or "
            "complaints in %(weeks)s weeks."
        )
        % {
            "signed": sum(values["signed_up"]),
            "left": sum(values["unsubscribed"]),
            "bounced": sum(values["bounced"]),
            "weeks": weeks,
        },
        columns=[f"{m.month}/{m.day}" for m in mondays],
        series=series,
        values=values,
        stacked=False,
        label_every=2,
    )


def last_send():
    """The latest issue that started sending, with its deliveries by status."""
    issue = (
        Issue.objects.exclude(sending_started_at=None)
        .order_by("-sending_started_at")
        .first()
    )
    if issue is None:
        return None
    counts = dict(
        Delivery.objects.filter(issue=issue)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    Status = Delivery.Status
    parts = [
        (str(Status.SENT.label), counts.get(Status.SENT, 0)),
        (str(Status.SKIPPED.label), counts.get(Status.SKIPPED, 0)),
        (str(Status.FAILED.label), counts.get(Status.FAILED, 0)),
        (
            str(Status.PENDING.label),
            counts.get(Status.PENDING, 0) + counts.get(Status.SENDING, 0),
        ),
    ]
    total = sum(counts.values())
    return charts.progress_bar(
        id="chart-last-send",
        title=_("Last send: %(week)s, %(done)s of %(total)s handled")
        % {"week": issue.week, "done": total - parts[3][1], "total": total},
        parts=parts,
        total=total,
    )
