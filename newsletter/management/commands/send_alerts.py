"""Alerts without a worker (cron): fan out what went live, send what is pending.

With a worker (TASKS_BACKEND=database) the tasks do this at the right minute;
this command is for the immediate backend, and to finish after a crash.
"""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.models import Article
from newsletter import alerts
from newsletter.models import AlertDelivery


class Command(BaseCommand):
    help = "Fan out alerts for articles live in the last hour, send pending ones."

    def add_arguments(self, parser):
        parser.add_argument(
            "--digest", action="store_true", help="also send the daily digest now"
        )
        parser.add_argument(
            "--since-minutes", type=int, default=60, help="how far back to fan out"
        )

    def handle(self, *args, since_minutes, digest, **options):
        since = timezone.now() - datetime.timedelta(minutes=since_minutes)
        fanned = 0
        for pk in (
            Article.objects.live()
            .filter(publish_at__gte=since)
            .values_list("pk", flat=True)
        ):
            fanned += alerts.fan_out(pk)
        sent = 0
        pending = AlertDelivery.objects.filter(
            kind=AlertDelivery.Kind.IMMEDIATE, status=AlertDelivery.Status.PENDING
        )
        for pk in pending.values_list("article_id", flat=True).distinct():
            sent += alerts.send_pending(pk).sent
        if digest:
            sent += alerts.send_digests().sent
        self.stdout.write(f"alerts: {fanned} fanned out, {sent} messages sent")
