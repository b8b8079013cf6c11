"""``manage.py rebuild_search_index [--article ID ...] [--after ID]``.

Without arguments, every article is analysed again (after changing the
analyser, or a bulk import that bypassed ``Article.save()``), in batches each
committed as it is written: search keeps answering meanwhile, and a rebuild
that stops (Ctrl-C, a lost connection) resumes with ``--after`` the last
article it reports. ``--article`` reindexes only those articles.
"""

from django.core.management.base import CommandError

from articles import search
from articles.search import indexing
from newsroom.progress import LongCommand


class Command(LongCommand):
    help = (
        "Rebuild the full-text search index of articles, in committed batches "
        "(resumable with --after)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--article",
            type=int,
            action="append",
            metavar="ID",
            help="Reindex only this article (repeatable).",
        )
        parser.add_argument(
            "--after",
            type=int,
            default=0,
            metavar="ID",
            help="Resume an interrupted rebuild: start after this article id "
            "(the one its last message names).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=indexing.BATCH_SIZE,
            metavar="N",
            help="Articles per committed batch (default %(default)s).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say how many articles would be indexed; write nothing.",
        )

    def handle(self, *args, article=None, after=0, batch_size=500, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if options["dry_run"]:
            count = len(article) if article else indexing.count_after(after)
            self.stdout.write(
                f"Dry run, nothing written: {count} articles would be indexed."
            )
            return
        if article:
            with self.progress("Indexing articles", total=len(article)) as progress:
                progress.advance(search.index_articles(article))
            return
        last = after
        total = indexing.count_after(after)
        progress = self.progress("Indexing articles", total=total)
        try:
            for count, done_up_to in indexing.rebuild_batches(
                after=after, size=batch_size
            ):
                progress.advance(count)
                last = done_up_to
        except BaseException:
            progress.finish(interrupted=True)
            if last:
                self.stderr.write(
                    f"Stopped; articles up to id {last} are indexed. Resume with: "
                    f"manage.py rebuild_search_index --after {last}"
                )
            raise
        progress.finish()
