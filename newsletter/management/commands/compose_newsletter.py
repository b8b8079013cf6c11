"""Make the issue for a week, pre-filled with its articles (e.g. from cron)."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from newsletter import composing
from newsletter.models import Issue
from newsroom.progress import LongCommand


class Command(LongCommand):
    help = (
        "Create the draft issue for an ISO week (default: next week) with the "
        "subject, preheader and picks pre-filled from the week's live articles. "
        "An issue that exists is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "week", nargs="?", help="ISO week, e.g. 2026-W47 (default: next week)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what the issue would hold; create nothing.",
        )

    def handle(self, *args, week=None, dry_run=False, **options):
        try:
            week = composing.parse_week(week or composing.next_week())
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        existing = Issue.objects.filter(week=week).first()
        if existing is not None:
            self.stdout.write(
                f"{week}: an issue exists ({existing.get_status_display()}); "
                "left alone."
            )
            return
        if dry_run:
            articles = composing.week_articles(week)
            self.stdout.write(
                f"Dry run, nothing written: {week} would be created with "
                f"{len(articles)} articles: {composing.default_subject(week, articles)}"
            )
            return
        issue = composing.create_issue(week)
        self.stdout.write(
            f"{week}: draft issue created with {issue.picks.count()} articles: "
            f"{issue.subject}"
        )
