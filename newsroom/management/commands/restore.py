"""``manage.py restore PATH.tar.gz [--force]``: load an archive made by ``backup``.

Into a freshly migrated database (``manage.py migrate`` first). A database
that already holds articles is refused unless ``--force`` is given; then the
archive's rows replace rows with the same keys and other rows stay (for an
exact copy, restore into an empty database). Every file's SHA-256 is checked
against the manifest before anything is written; the rows load in one
transaction, the search index is rebuilt and the media files are written to
the default storage inside it, so a failure leaves the database as it was.
"""

from django.core.management.base import BaseCommand, CommandError

from newsroom.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore the data and media files of an archive made by backup."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive to load, e.g. newsroom.tar.gz")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though the database already holds articles.",
        )

    def handle(self, *args, path, force, **options):
        try:
            summary = restore_backup(path, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored {summary.rows} rows and {summary.media_files} media files "
            f"({summary.media_bytes / 1024 / 1024:.1f} MB) from {summary.path}."
        )
        for label, count in sorted(summary.counts.items()):
            if count:
                self.stdout.write(f"  {label}: {count}")
