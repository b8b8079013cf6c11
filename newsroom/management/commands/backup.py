"""``manage.py backup PATH.tar.gz``: the data and the media in one archive.

What the archive holds, and what it leaves out, is in newsroom/backups.py.
The archive is written beside PATH and renamed into place when complete, so
PATH is never a half-written backup. It holds password hashes and
subscribers' addresses: it is made readable by its owner only.
"""

from django.core.management.base import BaseCommand, CommandError

from newsroom.backups import BackupError, write_backup


class Command(BaseCommand):
    help = "Write the newsroom's data and media files to one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive to write, e.g. newsroom.tar.gz")

    def handle(self, *args, path, **options):
        try:
            summary = write_backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backed up {summary.rows} rows and {summary.media_files} media files "
            f"({summary.media_bytes / 1024 / 1024:.1f} MB) to {summary.path}."
        )
        if options["verbosity"] > 1:
            for label, count in sorted(summary.counts.items()):
                self.stdout.write(f"  {label}: {count}")
