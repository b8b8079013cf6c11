"""Send an issue to its subscribers, resumably; prints what happened."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from newsletter import composing, sending
from newsletter.messages import HeaderInjection


class Command(BaseCommand):
    help = (
        "Send a ready issue through Django's email backend, in batches. Running "
        "it again after an interruption sends to everyone not yet sent to, once. "
        "Exits non-zero if any delivery failed, has an unknown outcome or is "
        "still pending."
    )

    def add_arguments(self, parser):
        parser.add_argument("week", help="ISO week of the issue, e.g. 2026-W47")
        parser.add_argument(
            "--resend-unknown",
            action="store_true",
            help="send again to recipients whose outcome is unknown (an "
            "interrupted run left them 'sending'); some may get two copies",
        )
        parser.add_argument(
            "--only-missing",
            action="store_true",
            help="for an issue already sent: send it to active subscribers who "
            "have not had it",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="hand the send to the task worker instead of sending from here",
        )

    def handle(self, *args, week, resend_unknown, only_missing, enqueue, **options):
        try:
            issue = composing.issue_for_week(week)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        week = issue.week
        if enqueue:
            from newsletter.tasks import send_issue_task

            result = send_issue_task.enqueue(
                issue.pk, resend_unknown=resend_unknown, only_missing=only_missing
            )
            self.stdout.write(f"{week}: task {result.id} is {result.status}.")
            return
        try:
            report = sending.send_issue(
                issue, resend_unknown=resend_unknown, only_missing=only_missing
            )
        except (sending.SendRefused, HeaderInjection) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.summary())
        if report.unknown:
            self.stdout.write(
                "Outcome unknown (an interrupted run left them 'sending'; they "
                "are not sent again unless --resend-unknown):"
            )
            for email in report.unknown:
                self.stdout.write(f"  {email}")
        if report.stopped:
            self.stdout.write(f"Stopped: {report.stopped}. Run again to resume.")
        if not report.complete:
            raise CommandError(
                f"{week} is not completely sent: "
                f"{report.total('failed')} failed, "
                f"{report.total('sending')} unknown, "
                f"{report.total('pending')} pending."
            )
