"""``manage.py restore PATH.tar.gz [--force | --verify]``: load a backup archive.

Into a freshly migrated database (``manage.py migrate`` first). A database
that already holds articles is refused unless ``--force`` is given; then the
archive's rows replace rows with the same keys and other rows stay (for an
exact copy, restore into an empty database). Every file's SHA-256 is checked
against the manifest before anything is written; the rows load in one
transaction, the search index is rebuilt and the media files are written to
the default storage inside it, so a failure leaves the database as it was.
``--verify`` does the checks only, and writes nothing.
"""

from django.core.management.base import CommandError

from newsroom.backups import BackupError, restore_backup, verify_backup
from newsroom.progress import LongCommand


class Command(LongCommand):
    help = "Restore the data and media files of an archive made by backup."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive to load, e.g. newsroom.tar.gz.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though the database already holds articles.",
        )
        parser.add_argument(
            "--verify",
            action="store_true",
            help="Check the archive (every file's hash, every row readable, the "
            "manifest's counts) without writing anything.",
        )

    def handle(self, *args, path, force, verify=False, **options):
        try:
            if verify:
                summary = verify_backup(path, progress=self.progress)
            else:
                summary = restore_backup(path, force=force, progress=self.progress)
        except BackupError as error:
            raise CommandError(str(error)) from None
        verb = "Verified, nothing written:" if verify else "Restored"
        self.stdout.write(
            f"{verb} {summary.rows} rows and {summary.media_files} media files "
            f"({summary.media_bytes / 1024 / 1024:.1f} MB) from {summary.path}."
        )
        for label, count in sorted(summary.counts.items()):
            if count and self.verbosity:
                self.stdout.write(f"  {label}: {count}")
