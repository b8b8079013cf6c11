"""``manage.py load_companies FILE.csv``: create or update companies from a CSV."""

from django.core.management.base import CommandError

from companies.loading import COLUMNS, BadFile, load
from newsroom.progress import LongCommand


class Command(LongCommand):
    help = (
        f"Load companies and tickers from a CSV file (header: {','.join(COLUMNS)}; "
        "aliases separated by |). A file with bad rows imports nothing unless "
        "--skip-bad-rows is given. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the UTF-8 CSV file.")
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help="Import the good rows and list the bad ones.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change; write nothing.",
        )

    def handle(self, *args, file, skip_bad_rows, dry_run, **options):
        try:
            with open(file, "rb") as handle:
                data = handle.read()
            result = load(
                data,
                skip_bad_rows=skip_bad_rows,
                dry_run=dry_run,
                progress=self.progress,
            )
        except (OSError, BadFile) as error:
            raise CommandError(f"{file}: {error}") from error
        listing = "\n".join(f"  {error}" for error in result.errors)
        bad = len(result.errors)
        if bad and not skip_bad_rows:
            raise CommandError(
                f"{bad} of {result.rows} rows are bad; nothing was imported. Fix "
                f"them or run with --skip-bad-rows.\n{listing}"
            )
        if bad:
            self.stderr.write(f"Skipped {bad} of {result.rows} rows:\n{listing}")
        prefix = "Dry run, nothing written. Would have: " if dry_run else ""
        self.stdout.write(
            f"{prefix}companies created: {result.companies_created}, "
            f"updated: {result.companies_updated}, "
            f"unchanged: {result.companies_unchanged}; "
            f"tickers created: {result.tickers_created}."
        )
