"""The desk's chart of publishing: live articles per Hong Kong day, by kind.

One aggregate query over the last DAYS days, however many articles there are
(tests/articles/test_desk_charts.py counts it at two volumes).
"""

from datetime import datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from newsroom.charts import Chart, Series

from ..models import Article

DAYS = 30


def published_per_day(*, now: datetime | None = None, days: int = DAYS) -> Chart:
    """Briefs and features that went live on each of the last ``days`` days."""
    now = now or timezone.now()
    tz = timezone.get_default_timezone()
    first = timezone.localdate(now, tz) - timedelta(days=days - 1)
    rows = (
        Article.objects.live()
        .filter(publish_at__gte=datetime.combine(first, time.min, tzinfo=tz))
        .annotate(day=TruncDate("publish_at", tzinfo=tz))
        .values("day", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    dates = [first + timedelta(days=n) for n in range(days)]
    position = {day: index for index, day in enumerate(dates)}
    kinds = [Article.Kind.BRIEF, Article.Kind.FEATURE]
    values = {kind.value: [0] * days for kind in kinds}
    for row in rows:
        if row["day"] in position and row["kind"] in values:
            values[row["kind"]][position[row["day"]]] = row["n"]
    total = sum(map(sum, values.values()))
    return Chart(
        id="chart-published",
        title=_("Articles published per day, last %(days)s days") % {"days": days},
        description=_(
            "%(total)s articles went live: %(briefs)s briefs and %(features)s "
            "features, from %(first)s to %(last)s."
        )
        % {
            "total": total,
            "briefs": sum(values[Article.Kind.BRIEF]),
            "features": sum(values[Article.Kind.FEATURE]),
            "first": f"{dates[0].month}月{dates[0].day}日",
            "last": f"{dates[-1].month}月{dates[-1].day}日",
        },
        columns=[f"{d.month}/{d.day}" for d in dates],
        series=[Series(kind.value, str(kind.label)) for kind in kinds],
        values=values,
        label_every=5,
    )
