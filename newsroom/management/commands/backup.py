"""``manage.py backup PATH.tar.gz [--no-media]``: the data and the media in one archive.

What the archive holds, and what it leaves out, is in newsroom/backups.py.
The archive is written beside PATH and renamed into place when complete, so
PATH is never a half-written backup. It holds password hashes and
subscribers' addresses: it is made readable by its owner only.
"""

from django.core.management.base import CommandError

from newsroom.backups import BackupError, backed_up_counts, write_backup
from newsroom.progress import LongCommand


class Command(LongCommand):
    help = "Write the newsroom's data and media files to one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive to write, e.g. newsroom.tar.gz.")
        parser.add_argument(
            "--no-media",
            action="store_true",
            help="Leave the media files out (when the media store is backed up "
            "on its own, e.g. a versioned S3 bucket): the rows only.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count the rows and media files the archive would hold; write "
            "nothing.",
        )

    def handle(self, *args, path, no_media=False, dry_run=False, **options):
        if dry_run:
            rows, files = backed_up_counts(media=not no_media)
            self.stdout.write(
                f"Dry run, nothing written: {path} would hold {rows} rows and "
                f"{files} media files."
            )
            return
        try:
            summary = write_backup(path, media=not no_media, progress=self.progress)
        except BackupError as error:
            raise CommandError(str(error)) from None
        media = (
            "no media files (--no-media)"
            if no_media
            else f"{summary.media_files} media files "
            f"({summary.media_bytes / 1024 / 1024:.1f} MB)"
        )
        self.stdout.write(
            f"Backed up {summary.rows} rows and {media} to {summary.path}."
        )
        if self.verbosity > 1:
            for label, count in sorted(summary.counts.items()):
                self.stdout.write(f"  {label}: {count}")
