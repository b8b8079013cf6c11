"""Send an issue (resumably, with progress), a proof, or a dry run."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import validate_email

from newsletter import composing, sending
from newsletter.messages import HeaderInjection
from newsroom.progress import LongCommand


class Command(LongCommand):
    help = (
        "Send a ready issue through Django's email backend, in batches. Running "
        "it again after an interruption sends to everyone not yet sent to, once. "
        "Exits non-zero if any delivery failed, has an unknown outcome or is "
        "still pending. --dry-run lists who would get which edition; --to sends "
        "a proof of both editions to one address."
    )

    def add_arguments(self, parser):
        parser.add_argument("week", help="ISO week of the issue, e.g. 2026-W47.")
        parser.add_argument(
            "--resend-unknown",
            action="store_true",
            help="Send again to recipients whose outcome is unknown (an "
            "interrupted run left them 'sending'); some may get two copies.",
        )
        parser.add_argument(
            "--only-missing",
            action="store_true",
            help="For an issue already sent: send it to active subscribers who "
            "have not had it.",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the send to the task worker instead of sending from here.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List who would get the issue, and in which edition; send "
            "nothing and write nothing.",
        )
        parser.add_argument(
            "--to",
            metavar="ADDRESS",
            help="Send a proof of both editions (Traditional and Simplified) to "
            "this address only, whatever the issue's status; no subscriber is "
            "sent anything and nothing is recorded.",
        )

    def handle(self, *args, week, resend_unknown, only_missing, enqueue, **options):
        try:
            issue = composing.issue_for_week(week)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        week = issue.week
        if options["to"]:
            return self.proof(issue, options["to"])
        if options["dry_run"]:
            return self.dry_run(issue, only_missing, resend_unknown)
        if enqueue:
            from newsletter.tasks import send_issue_task

            result = send_issue_task.enqueue(
                issue.pk, resend_unknown=resend_unknown, only_missing=only_missing
            )
            self.stdout.write(f"{week}: task {result.id} is {result.status}.")
            return
        try:
            with self.progress(f"Sending {week}", unit="messages") as progress:
                report = sending.send_issue(
                    issue,
                    resend_unknown=resend_unknown,
                    only_missing=only_missing,
                    progress=progress,
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

    def proof(self, issue, address):
        try:
            validate_email(address)
        except ValidationError:
            raise CommandError(f"--to {address!r} is not an email address.") from None
        try:
            sent = sending.send_proof(issue, address)
        except HeaderInjection as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{issue.week}: sent {sent} proofs to {address}.")

    def dry_run(self, issue, only_missing, resend_unknown):
        counts = {}
        for email, script in sending.planned_recipients(
            issue, only_missing=only_missing, resend_unknown=resend_unknown
        ).iterator(chunk_size=2000):
            counts[script] = counts.get(script, 0) + 1
            if self.verbosity >= 1:
                self.stdout.write(f"{email}\t{script}")
        editions = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        self.stdout.write(
            f"Dry run, nothing sent: {issue.week} would go to "
            f"{sum(counts.values())} subscribers ({editions or 'none'})."
        )
