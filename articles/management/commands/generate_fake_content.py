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

from django.core.management.base import CommandError

from articles.fake import loading
from articles.models import Article
from newsroom.progress import LongCommand


class Command(LongCommand):
    help = (
        "Fill the database with generated articles, companies, tags and authors, "
        "in bulk, search index included."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles",
            type=int,
            default=1000,
            help="Articles to write (default %(default)s).",
        )
        parser.add_argument(
            "--companies",
            type=int,
            default=200,
            help="Companies to make, each with tickers (default %(default)s).",
        )
        parser.add_argument(
            "--tags", type=int, default=200, help="Tags to make (default %(default)s)."
        )
        parser.add_argument(
            "--authors",
            type=int,
            default=20,
            help="Authors to make (default %(default)s).",
        )
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
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the counts and the database, say what would be written; "
            "write nothing.",
        )

    def handle(self, *args, **options):
        if options["dry_run"]:
            return self.dry_run(options)
        started = time.perf_counter()
        try:
            with self.progress("Writing articles", unit="articles") as progress:
                summary = loading.populate(
                    articles=options["articles"],
                    companies=options["companies"],
                    tags=options["tags"],
                    authors=options["authors"],
                    seed=options["seed"],
                    append=options["append"],
                    workers=options["workers"],
                    report=self.stdout.write if self.verbosity else lambda line: None,
                    progress=progress,
                )
        except loading.FakeContentError as error:
            raise CommandError(str(error)) from error
        seconds = time.perf_counter() - started
        statuses = ", ".join(
            f"{status} {count:,}" for status, count in sorted(summary.statuses.items())
        )
        self.stdout.write(
            f"Wrote {summary.articles:,} articles ({statuses}; "
            f"{summary.characters / 1e6:.1f} million characters of body) in "
            f"{seconds:.1f} s. Search index: analysis {summary.analysis_seconds:.1f} s "
            f"of CPU, writing {summary.index_seconds:.1f} s. Seed {summary.seed}: "
            f"pass --seed {summary.seed} to make the same content again."
        )

    def dry_run(self, options):
        counts = {
            name: options[name] for name in ("articles", "companies", "tags", "authors")
        }
        try:
            loading.check_counts(**counts)
        except loading.FakeContentError as error:
            raise CommandError(str(error)) from error
        existing = Article.objects.count()
        if existing and not options["append"]:
            raise CommandError(
                f"The database already has {existing:,} articles: pass --append "
                "to add to it."
            )
        made = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.stdout.write(f"Dry run, nothing written: would make {made}.")
