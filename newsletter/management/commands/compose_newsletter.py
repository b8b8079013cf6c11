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
        articles = composing.week_articles(week)
        existing = Issue.objects.filter(week=week).first()
        if dry_run:
            if existing is not None:
                outcome = f"an issue exists ({existing.get_status_display()})"
            elif not articles and not allow_empty:
                outcome = "no live articles in this week, so no issue would be made"
            else:
                outcome = (
                    f"would be created with {len(articles)} articles: "
                    f"{composing.default_subject(week, articles)}"
                )
            self.stdout.write(f"Dry run, nothing written: {week}: {outcome}")
            return
        if existing is not None:
            self.stdout.write(
                f"{week}: an issue exists ({existing.get_status_display()}); "
                "left alone."
            )
            return
        if not allow_empty and not articles:
            self.stderr.write(
                f"{week}: no live articles in this week (Hong Kong time), so no "
                "issue was made. Pass another week, or --allow-empty to make an "
                "empty one to fill by hand."
            )
            return
        issue = composing.create_issue(week)
        self.stdout.write(
            f"{week}: draft issue created with {issue.picks.count()} articles: "
            f"{issue.subject}"
        )
