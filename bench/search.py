"""How fast search is: generated articles, the index, 20 typical queries.

    .venv/bin/python bench/search.py [--articles N] [--repeat R] [--reuse]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_search \\
        .venv/bin/python bench/search.py --articles N

Makes N articles (100,000 by default) with ``generate_fake_content``'s
generator (articles/fake): Traditional Chinese briefs and features of
1,500–6,000 Chinese characters from sentence templates, 2,000 companies with
tickers, 2,000 tags, 50 authors, topic words at Zipf-like frequencies, some
English; indexed for search as they are written. The database is made from
scratch (SQLite: a file under var/ that is deleted first; PostgreSQL: the
database in DATABASE_URL is dropped and created); ``--reuse`` times the
queries on the database a previous run left. Prints how long generating and
indexing took, the index size, and p50/p95 latency over 20 typical queries
(two-character words, names in the other script, tickers, English words,
phrases, mixed) repeated R times, each query as the search page runs it:
count, first page of 20 ranked ids, the articles with their prefetches, the
snippets. Figures are measured, not asserted; the goal (issue 7) is a p95
under 100 ms on both databases.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
SQLITE_FILE = ROOT / "var" / "bench-search.sqlite3"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{SQLITE_FILE}")


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--companies", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, help="as generate_fake_content's")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Time the queries on the database a previous run left.",
    )
    return parser.parse_args()


def fresh_database():
    """An empty, migrated database for the bench."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.close()
        SQLITE_FILE.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_FILE) + suffix).unlink(missing_ok=True)
    else:
        name = connection.settings_dict["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def build(args):
    """Generate and index the articles; tidy the index as after a bulk load."""
    from django.db import connection

    from articles.fake import populate

    fresh_database()
    summary = populate(
        articles=args.articles,
        companies=args.companies,
        tags=2_000,
        authors=50,
        seed=args.seed,
        workers=args.workers,
        report=lambda line: say("  " + line),
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE articles_searchdocument")
            cursor.execute("VACUUM ANALYZE articles_article")
        else:
            cursor.execute(
                "INSERT INTO articles_search_fts(articles_search_fts)"
                " VALUES ('optimize')"
            )
            cursor.execute("ANALYZE")
    tidy = time.perf_counter() - started
    say(
        f"articles:   {summary.articles:,} ({summary.characters / 1e6:.1f} M "
        f"characters of body), {summary.companies:,} companies; generated, "
        f"written and indexed in {summary.seconds:.0f} s "
        f"({summary.articles / summary.seconds:.0f} articles/s)"
    )
    say(
        f"index:      analysis {summary.analysis_seconds:.0f} s of CPU (in the "
        f"workers), writing {summary.index_seconds:.0f} s; "
        f"{'VACUUM ANALYZE' if connection.vendor == 'postgresql' else 'optimize'}"
        f" {tidy:.0f} s"
    )


def queries(seed: int) -> list[str]:
    """The 20 queries: from the generator's words and the database's companies."""
    from companies.models import Company
    from newsroom.chinese import to_simplified

    some = random.Random(seed + 1).sample(
        list(Company.objects.order_by("pk").prefetch_related("tickers")), 6
    )
    tickers = [str(company.tickers.all()[0]) for company in some]
    return [
        "光伏",
        "地產",
        "回購",
        "停牌",
        "私有化",  # two- and three-character words
        to_simplified(some[0].name),
        to_simplified(some[1].name),  # names in the other script
        to_simplified(some[2].name) + " 光伏",
        tickers[3],
        tickers[4].split(".")[0],  # tickers, bare symbols
        tickers[5].lower(),
        "solar",
        "Goldman Sachs",
        "profit warning",  # English
        '"核心盈利"',
        '"維持中性評級"',
        '"股价在早段急升"',  # phrases
        "盈警 回購",
        "电动车 储能",
        "人工智能 晶片",  # mixed
    ]


def timed(query: str, live) -> tuple[float, int]:
    """Milliseconds for ``query`` as the search page runs it, and its count."""
    from articles import search
    from articles.public.search_views import for_results

    started = time.perf_counter()
    results = search.search(query, live, prepare=for_results)
    count = results.count()
    for article in results[0:20]:
        list(article.companies.all())
    return (time.perf_counter() - started) * 1000, count


def main():
    args = parse_args()
    import django

    django.setup()
    from django.db import connection

    from articles import search
    from articles.models import Article

    if not args.reuse:
        build(args)
    size = search.get_backend().size()
    index_only = _index_only_size(connection)

    typical = queries(args.seed)
    live = Article.objects.live()
    timings = {q: [] for q in typical}
    counts = {}
    single = []
    for _round in range(args.repeat):
        for q in typical:
            ms, counts[q] = timed(q, live)
            timings[q].append(ms)
        single.append(timed("光", live)[0])

    all_ms = sorted(ms for values in timings.values() for ms in values)
    p50 = statistics.median(all_ms)
    p95 = all_ms[int(0.95 * (len(all_ms) - 1))]
    say(f"database:   {connection.vendor}, {Article.objects.count():,} articles")
    say(
        f"size:       {size / 1e6:.0f} MB (SearchDocument and index), "
        f"of which the index proper {index_only / 1e6:.0f} MB"
    )
    say(
        f"queries:    {len(typical)} × {args.repeat}: p50 {p50:.1f} ms, "
        f"p95 {p95:.1f} ms (goal < 100 ms)"
    )
    for q in typical:
        say(f"  {statistics.median(timings[q]):8.1f} ms  {counts[q]:>7,}  {q}")
    say(
        f"one character (光), median of {args.repeat}: "
        f"{statistics.median(single):.1f} ms"
    )


def _index_only_size(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_relation_size('articles_search_vector_gin')")
        else:
            cursor.execute(
                "SELECT coalesce(sum(pgsize), 0) FROM dbstat"
                " WHERE name LIKE 'articles_search_fts%'"
            )
        return cursor.fetchone()[0]


if __name__ == "__main__":
    main()
