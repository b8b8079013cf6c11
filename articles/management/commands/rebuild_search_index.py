"""``manage.py rebuild_search_index [--article ID ...]``: rebuild the search index.

Without arguments, every article is analysed again and the index is rebuilt
from scratch in one transaction (after changing the analyser, or a bulk
import that bypassed ``Article.save()``). ``--article`` reindexes only those.
"""

import time

from django.core.management.base import BaseCommand

from articles import search


class Command(BaseCommand):
    help = "Rebuild the full-text search index of articles."

    def add_arguments(self, parser):
        parser.add_argument(
            "--article",
            type=int,
            action="append",
            metavar="ID",
            help="Reindex only this article (repeatable).",
        )

    def handle(self, *args, article=None, **options):
        started = time.perf_counter()
        if article:
            count = search.index_articles(article)
        else:
            count = search.rebuild()
        seconds = time.perf_counter() - started
        self.stdout.write(f"Indexed {count} articles in {seconds:.1f} s.")
