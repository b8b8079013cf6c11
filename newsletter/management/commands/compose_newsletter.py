"""Make the issue for a week, pre-filled with its articles (e.g. from cron)."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from newsletter import composing
from newsletter.models import Issue, current_week
from newsroom.progress import LongCommand


class Command(LongCommand):
    help = (
        "Create the draft issue for an ISO week (default: the current week, "
        "Hong Kong time) with the subject, preheader and picks pre-filled from "
        "the week's live articles. An issue that exists is left alone; a week "
        "with no live articles makes no issue unless --allow-empty."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "week",
            nargs="?",
            help="ISO week, e.g. 2026-W47 (default: this week in Hong Kong).",
        )
        parser.add_argument(
            "--allow-empty",
            action="store_true",
            help="Create the issue even if the week has no live articles yet.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what the issue would hold; create nothing.",
        )

    def handle(self, *args, week=None, allow_empty=False, dry_run=False, **options):
        try:
            week = composing.parse_week(week or current_week())
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if not allow_empty and not composing.week_articles(week):
            self.stderr.write(
                f"{week}: no live articles in this week (Hong Kong time), so no "
                "issue was made. Pass another week, or --allow-empty to make an "
                "empty one to fill by hand."
            )
            return
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
