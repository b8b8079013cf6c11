"""How fast search is: build the index over generated articles, time 20 queries.

    .venv/bin/python bench/search.py [--articles N] [--repeat R]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_search \\
        .venv/bin/python bench/search.py --articles N

Generates N articles (100,000 by default) of 1,500–6,000 Chinese characters in
Traditional Chinese: financial copy built from sentence templates, with names
and tickers of 2,000 generated companies (bench/companies.py's generator),
topic words at different frequencies and some English. The database is made
from scratch (SQLite: a file under var/ that is deleted first; PostgreSQL:
the database in DATABASE_URL is dropped and created). Prints the index build
time (analysis and writing), the index size, and p50/p95 latency over 20
typical queries (two-character words, names in the other script, tickers,
English words, phrases) repeated R times, each query as the search page runs
it: count, first page of 20 ranked ids, the articles with their prefetches,
the snippets. Figures are measured, not asserted; the goal (issue 7) is a p95
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

TOPICS = (
    "光伏 地產 回購 半導體 鋰電 電動車 人工智能 晶片 儲能 風電 保險 券商 "
    "醫藥 疫苗 物業 債券 派息 供股 私有化 停牌 併購 減持 增持 配股 盈警"
).split()
TEMPLATES = (
    "{c}（{t}）公布{w}業務最新進展，管理層表示今年{w}相關收入將按年增長約百分之{n}。",
    "分析員指出，{w}板塊近期受政策憧憬帶動，{c}股價在早段急升百分之{n}。",
    "{c}宣布以不多於{n}億元進行{w}計劃，消息刺激股價造好，成交額較上日增加一倍。",
    "市場關注{w}行業的供需變化，{c}的毛利率或仍有下行壓力，該行維持中性評級。",
    "{c}在電話會議上透露，將把更多資源投放於{w}，並預期明年資本開支維持在{n}億元。",
)
MOVES = ["急升", "回落", "轉盈", "擴張"]
ENGLISH = (
    "The company said revenue from its solar business rose {n} percent.",
    "Analysts at Goldman Sachs cut the target price, citing weaker margins.",
    "Shares of the property developer fell after the profit warning.",
)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--companies", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
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
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_FILE) + suffix).unlink(missing_ok=True)
    else:
        name = connection.settings_dict["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def generate_companies(count, rng):
    """bench/companies.py's generator (a file, not the companies app)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bench_companies", ROOT / "bench" / "companies.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate_companies(count, rng)


def main():
    args = parse_args()
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from articles import search
    from articles.models import Article
    from articles.views import for_lists
    from companies.models import Company, Ticker
    from newsroom.editions import convert_text

    rng = random.Random(args.seed)
    if not args.reuse:
        fresh_database()
    vendor = connection.vendor

    # Companies: name and one ticker each (HK, SH or US).
    generated = generate_companies(args.companies, rng)
    companies, tickers, used = [], [], set()
    for company_id, names in generated:
        companies.append(
            Company(
                pk=company_id,
                name=names[0],
                name_en=names[1],
                slug=f"c{company_id}",
                aliases=names[2:],
            )
        )
        exchange = rng.choice(["HK", "HK", "SH", "US"])
        symbol = {
            "HK": f"{1000 + company_id:04d}",
            "SH": f"{600000 + company_id:06d}",
            "US": "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4)),
        }[exchange]
        while (exchange, symbol) in used:  # random US symbols can collide
            symbol = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
        used.add((exchange, symbol))
        tickers.append(Ticker(company_id=company_id, exchange=exchange, symbol=symbol))
    if not args.reuse:
        Company.objects.bulk_create(companies, batch_size=1000)
        Ticker.objects.bulk_create(tickers, batch_size=1000, ignore_conflicts=True)
    ticker_of = {t.company_id: str(t) for t in Ticker.objects.all()}

    if args.reuse:
        chars = generate_seconds = indexed = build_seconds = 0
    else:
        # Topic words at Zipf-like frequencies: the first in about a quarter of
        # the articles, the last in about one in a hundred.
        topic_weights = [1 / (i + 1) for i in range(len(TOPICS))]
        started = time.perf_counter()
        now = timezone.now()
        through = Article.companies.through
        chars = 0
        for first in range(0, args.articles, 1000):
            articles, links = [], []
            for n in range(first, min(first + 1000, args.articles)):
                mentioned = rng.sample(generated, 3)
                # An article is about one to three topics, common ones more often.
                topics = rng.choices(TOPICS, topic_weights, k=rng.randint(1, 3))
                target = rng.randint(1500, 6000)
                sentences, length = [], 0
                while length < target:
                    if rng.random() < 0.04:
                        sentence = rng.choice(ENGLISH).format(n=rng.randint(2, 40))
                    else:
                        company_id, names = rng.choice(mentioned)
                        sentence = rng.choice(TEMPLATES).format(
                            c=rng.choice(names[:1] + names[2:]),
                            t=ticker_of[company_id],
                            w=rng.choice(topics),
                            n=rng.randint(2, 90),
                        )
                    sentences.append(sentence)
                    length += len(sentence)
                body_text = "".join(sentences)
                chars += len(body_text)
                name = mentioned[0][1][0]
                topic = topics[0]
                articles.append(
                    Article(
                        pk=n + 1,
                        kind="brief" if n % 3 else "feature",
                        headline=name + topic + "業務" + rng.choice(MOVES),
                        dek=sentences[0][:120],
                        body=f"<p>{body_text}</p>",
                        body_text=body_text,
                        status="published",
                        publish_at=now - timezone.timedelta(minutes=n),
                        first_published_at=now - timezone.timedelta(minutes=n),
                    )
                )
                links += [
                    through(article_id=n + 1, company_id=company_id)
                    for company_id, _names in mentioned[:2]
                ]
            with transaction.atomic():
                Article.objects.bulk_create(articles)
                through.objects.bulk_create(links)
        generate_seconds = time.perf_counter() - started

        started = time.perf_counter()
        with transaction.atomic():
            indexed = search.index_articles()
        build_seconds = time.perf_counter() - started
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE articles_searchdocument")
                cursor.execute("ANALYZE articles_article")
        else:
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO articles_search_fts(articles_search_fts)"
                    " VALUES ('optimize')"
                )
                cursor.execute("ANALYZE")

    size = search.get_backend().size()
    index_only = _index_only_size(connection)

    # 20 typical queries.
    some = random.Random(args.seed + 1).sample(generated, 6)
    queries = [
        "光伏",
        "地產",
        "回購",
        "停牌",
        "私有化",  # two- and three-character words
        convert_text(some[0][1][0]),
        convert_text(some[1][1][0]),  # other script
        convert_text(some[2][1][0]) + " 光伏",
        ticker_of[some[3][0]],
        ticker_of[some[4][0]].split(".")[0],  # tickers
        ticker_of[some[5][0]].lower(),
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
    live = Article.objects.live()
    timings = {q: [] for q in queries}
    counts = {}
    for _round in range(args.repeat):
        for q in queries:
            t0 = time.perf_counter()
            results = search.search(q, live, prepare=for_lists)
            counts[q] = results.count()
            page = results[0:20]
            for article in page:
                list(article.companies.all())
            timings[q].append((time.perf_counter() - t0) * 1000)
    single = []
    for _round in range(args.repeat):
        t0 = time.perf_counter()
        results = search.search("光", live, prepare=for_lists)
        results.count()
        results[0:20]
        single.append((time.perf_counter() - t0) * 1000)

    all_ms = sorted(ms for values in timings.values() for ms in values)
    p50 = statistics.median(all_ms)
    p95 = all_ms[int(0.95 * (len(all_ms) - 1))]
    say(f"database:   {vendor}")
    say(
        f"articles:   {args.articles:,} ({chars / 1e6:.1f} M characters of body), "
        f"{args.companies:,} companies; generated and inserted in "
        f"{generate_seconds:.0f} s"
    )
    say(
        f"build:      {indexed:,} articles indexed in {build_seconds:.1f} s "
        f"({indexed / max(build_seconds, 1e-9):.0f} articles/s, analysis included)"
    )
    say(
        f"size:       {size / 1e6:.0f} MB (SearchDocument and index), "
        f"of which the index proper {index_only / 1e6:.0f} MB"
    )
    say(
        f"queries:    {len(queries)} × {args.repeat}: p50 {p50:.1f} ms, "
        f"p95 {p95:.1f} ms (goal < 100 ms)"
    )
    for q in queries:
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
