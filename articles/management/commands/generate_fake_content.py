"""``manage.py generate_fake_content``: fill the database with generated content.

    manage.py generate_fake_content --articles 100000 --companies 2000 \\
        --tags 2000 --authors 50 [--seed N] [--append]

For load tests, benchmarks and trying the site at scale: Traditional Chinese
briefs and features (mostly live, some scheduled, drafts and in review) by
the generated authors, tagged, about generated companies whose tickers the
copy mentions and links; searchable when the command ends (articles/fake).
Refuses a database that already has articles unless ``--append``.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from articles.fake import loading


class Command(BaseCommand):
    help = (
        "Fill the database with generated articles, companies, tags and authors, "
        "in bulk, search index included."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000)
        parser.add_argument("--companies", type=int, default=200)
        parser.add_argument("--tags", type=int, default=200)
        parser.add_argument("--authors", type=int, default=20)
        parser.add_argument(
            "--seed",
            type=int,
            help="The same seed makes the same content (default: a random one).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            help=(
                "Processes that generate and analyse articles while this one "
                "writes (default: one per CPU, at most 4; 1: none)."
            ),
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help="Add to a database that already has articles.",
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            summary = loading.populate(
                articles=options["articles"],
                companies=options["companies"],
                tags=options["tags"],
                authors=options["authors"],
                seed=options["seed"],
                append=options["append"],
                workers=options["workers"],
                report=self.stdout.write,
            )
        except loading.FakeContentError as error:
            raise CommandError(str(error)) from error
        seconds = time.perf_counter() - started
        statuses = ", ".join(
            f"{status} {count:,}" for status, count in sorted(summary.statuses.items())
        )
        self.stdout.write(
            _(
                "Wrote %(articles)s articles (%(statuses)s; %(characters)s million "
                "characters of body) in %(seconds)s s. Search index: analysis "
                "%(analysis)s s of CPU, writing %(index)s s. Seed %(seed)s: pass "
                "--seed %(seed)s to make the same content again."
            )
            % {
                "articles": f"{summary.articles:,}",
                "statuses": statuses,
                "characters": f"{summary.characters / 1e6:.1f}",
                "seconds": f"{seconds:.1f}",
                "analysis": f"{summary.analysis_seconds:.1f}",
                "index": f"{summary.index_seconds:.1f}",
                "seed": summary.seed,
            }
        )
