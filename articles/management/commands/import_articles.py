"""``manage.py import_articles PATH [PATH ...]``: raw copy to drafts.

Reads files and folders, creates a draft per new article (never publishes),
and prints a report: what was created (or, with ``--dry-run``, would be),
what was dropped, and a summary table per file. Exits non-zero when any file
failed. The work is done by articles/importing/storing.py, as in the admin.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from articles.importing import decoding
from articles.importing.report import render_text
from articles.importing.storing import SKIPPED_NAMES, ImportOptions, import_paths
from newsroom.progress import LongCommand


def _one_by_one(paths) -> list[str]:
    """The files ``import_paths`` would read, one by one, so progress can count
    them; an empty folder stays itself (the importer reports it)."""
    listed = []
    for raw in paths:
        path = Path(raw)
        files = []
        if path.is_dir():
            files = sorted(
                str(p)
                for p in path.rglob("*")
                if p.is_file()
                and not p.name.startswith(".")
                and p.name not in SKIPPED_NAMES
            )
        listed += files or [raw]
    return listed


class Command(LongCommand):
    help = (
        "Import raw copy (CMS exports, scraped pages, wire stories, press "
        "releases) as drafts. Safe to run again: copy already imported is skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="PATH",
            help="Files or folders (read recursively, in name order) of raw copy.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be created; write nothing.",
        )
        parser.add_argument(
            "--kind",
            choices=["brief", "feature"],
            help="Kind of articles whose copy does not say (a 簡訊: headline "
            "is always a brief). By default short copy is a brief.",
        )
        parser.add_argument(
            "--author", default="", help="Byline for copy that names no author."
        )
        parser.add_argument(
            "--source", default="", help="Source for copy that names none."
        )
        parser.add_argument(
            "--max-size",
            type=float,
            default=decoding.DEFAULT_MAX_MB,
            metavar="MB",
            help="Refuse files larger than this (default %(default)s MB).",
        )
        parser.add_argument(
            "--user",
            default="",
            help="Username recorded as creator of the drafts.",
        )

    def handle(self, *args, **options):
        if options["max_size"] <= 0:
            raise CommandError("--max-size must be more than 0.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}.")
        import_options = ImportOptions(
            kind=options["kind"] or "",
            author=options["author"].strip(),
            source=options["source"].strip(),
            dry_run=options["dry_run"],
            user=user,
            max_bytes=decoding.max_bytes(options["max_size"]),
        )
        files = _one_by_one(options["paths"])
        reports = []
        with self.progress("Importing", total=len(files), unit="files") as progress:
            for path in files:
                reports += import_paths([path], import_options)
                progress.advance()
        self.stdout.write(render_text(reports, verbose=options["verbosity"] >= 1))
        failed = [report for report in reports if report.failed]
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(reports)} files failed.", returncode=1
            )
