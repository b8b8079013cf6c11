"""Export an issue: HTML and text per edition, recipients.csv, an mbox or .eml files."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db.models import Count

from newsletter import composing, exporting
from newsletter.messages import HeaderInjection
from newsletter.models import Issue, Subscriber
from newsroom.progress import LongCommand


class Command(LongCommand):
    help = (
        "Write an issue's emails for every active subscriber into a folder: the "
        "HTML and plain text of each edition, recipients.csv for an email "
        "service's mail merge, and one MIME message per subscriber (an mbox, or "
        ".eml files with --format eml)."
    )

    def add_arguments(self, parser):
        parser.add_argument("week", help="ISO week of the issue, e.g. 2026-W47.")
        parser.add_argument(
            "--out", required=True, help="Folder to write into (made if missing)."
        )
        parser.add_argument(
            "--format",
            choices=exporting.FORMATS,
            default="mbox",
            help="One mbox file (default) or a folder of .eml files.",
        )
        parser.add_argument(
            "--merge-tag",
            default=exporting.DEFAULT_MERGE_TAG,
            help="What stands for the unsubscribe link in the exported HTML and "
            "text, for the email service to fill from recipients.csv "
            "(default: %(default)s).",
        )
        parser.add_argument(
            "--allow-draft",
            action="store_true",
            help="Export a draft too (for proofs; a draft is not ready to send).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say how many messages, per edition, would be written; write nothing.",
        )

    def handle(self, *args, week, out, format, merge_tag, allow_draft, **options):
        try:
            issue = composing.issue_for_week(week)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        week = issue.week
        if issue.status == Issue.Status.DRAFT and not allow_draft:
            raise CommandError(
                f"The issue for {week} is a draft; mark it ready first, or pass "
                "--allow-draft for proofs."
            )
        if options["dry_run"]:
            counts = dict(
                Subscriber.objects.active()
                .values("script")
                .annotate(n=Count("pk"))
                .values_list("script", "n")
            )
            scripts = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
            self.stdout.write(
                f"Dry run, nothing written: {week} would be exported to {out} for "
                f"{sum(counts.values())} subscribers ({scripts or 'none'})."
            )
            return
        try:
            report = exporting.export_issue(
                issue, out, fmt=format, merge_tag=merge_tag, progress=self.progress
            )
        except HeaderInjection as error:
            raise CommandError(str(error)) from error
        scripts = ", ".join(f"{n} {s}" for s, n in sorted(report.by_script.items()))
        self.stdout.write(
            f"{week}: {report.messages} messages ({scripts or 'no subscribers'}) "
            f"written to {report.directory}"
        )
        for path in report.files:
            self.stdout.write(f"  {path}")
