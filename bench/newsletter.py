"""How fast an issue is exported to a large list, and in how much memory.

    .venv/bin/python bench/newsletter.py [subscribers] [repeats]
    .venv/bin/python bench/newsletter.py --following [subscribers] [fan-out]

Makes a temporary SQLite database (migrations run first), a week of ten live
articles and a ready issue, and ``subscribers`` active subscribers (default
100,000; one in five reading Simplified) with bulk_create. Then exports the
issue to a temporary folder (an mbox of one MIME message per subscriber, the
HTML and text per edition, recipients.csv) and prints the wall time, then the
peak of Python allocations (tracemalloc, a second run: tracing slows Python
down) and the process's ru_maxrss. With ``repeats`` above 1 it prints the
median and range of the timed runs. The goal (issue 6): 100,000 subscribers
in under 60 s and under 300 MB. Measured, not asserted.

With ``--following`` (issue 22): 2,000 companies, each subscriber following
0–20 of them (drawn by a Zipf law: a few companies are followed by many), a
week of 500 live articles each about 1–3 companies (Zipf too; the issue
keeps 20 of them as the editors' picks), so the export
carries "Your companies" per subscriber; then one article whose company
``fan-out`` subscribers (default 20,000) follow with "as soon as it is
published", and the time to fan its alerts out: the delivery rows written and
the send tasks enqueued in the database backend (no sending). Goals: the
personalised export under 90 s and 300 MB; the fan-out under 30 s; the
queries of each are printed at two volumes.
"""

import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_workdir = tempfile.mkdtemp(prefix="newsroom-bench-newsletter-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{_workdir}/bench.sqlite3"
os.environ.setdefault("SITE_URL", "https://news.example")
# Fan-out enqueues in the database, as production does (no worker runs here).
os.environ["TASKS_BACKEND"] = "database"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from articles.models import Article  # noqa: E402
from newsletter import composing, exporting  # noqa: E402
from newsletter.models import Script, Subscriber  # noqa: E402

WEEK = "2026-W10"
HKT = ZoneInfo("Asia/Hong_Kong")
DEK = (
    "公司週二公布第三季業績，期內營業額按年下跌百分之十二，"
    "核心盈利倒退至約三十億元，遜於市場預期。"
)


def setup_issue():
    monday = datetime(2026, 3, 2, 9, tzinfo=HKT)
    for n in range(10):
        Article.objects.create(
            kind=Article.Kind.FEATURE if n < 3 else Article.Kind.BRIEF,
            headline=f"國際銀行業務發展第{n + 1}篇：滙豐與渣打的下一步",
            dek=DEK,
            body=f"<p>{DEK * 5}</p>",
            status=Article.Status.PUBLISHED,
            publish_at=monday + timedelta(hours=13 * n),
        )
    issue = composing.create_issue(WEEK, editor_note="編者話：本週市場波動。")
    composing.mark_ready(issue)
    return issue


def make_subscribers(count: int) -> None:
    chunk = 5000
    for start in range(0, count, chunk):
        Subscriber.objects.bulk_create(
            Subscriber(
                email=f"reader{n:06d}@example.com",
                status=Subscriber.Status.ACTIVE,
                script=Script.HANS if n % 5 == 0 else Script.HANT,
            )
            for n in range(start, min(start + chunk, count))
        )


def export_once(issue, run: int) -> tuple[float, int, int]:
    out = Path(_workdir) / f"out{run}"
    started = time.perf_counter()
    report = exporting.export_issue(issue, out, fmt="mbox")
    elapsed = time.perf_counter() - started
    size = (out / f"{WEEK}.mbox").stat().st_size
    for path in out.iterdir():
        path.unlink()
    out.rmdir()
    return elapsed, report.messages, size


COMPANIES = 2000
ARTICLES = 500
MAX_FOLLOWS = 20
PICKS = 20
ZIPF_A = 1.3


def _zipf(rng, size, limit):
    """``size`` company indexes in [1, limit), small ones far more often."""
    import numpy as np

    draws = rng.zipf(ZIPF_A, size=size * 2)
    draws = draws[draws < limit]
    while len(draws) < size:  # pragma: no cover - the tail rarely runs short
        more = rng.zipf(ZIPF_A, size=size)
        draws = np.concatenate([draws, more[more < limit]])
    return draws[:size]


def setup_following(count: int, fan_out: int):
    """Companies, follows, a week of articles; returns (issue, hot article)."""
    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone

    from companies.models import Company
    from newsletter.models import Frequency

    rng = np.random.default_rng(22)
    Company.objects.bulk_create(
        Company(name=f"公司{n:04d}", name_en=f"Company {n}", slug=f"company-{n}")
        for n in range(COMPANIES)
    )
    company_ids = list(Company.objects.order_by("pk").values_list("pk", flat=True))
    hot = company_ids[0]
    subscriber_ids = list(
        Subscriber.objects.order_by("pk").values_list("pk", flat=True)
    )
    Subscriber.objects.filter(pk__in=subscriber_ids[:fan_out]).update(
        frequency=Frequency.IMMEDIATE
    )
    now = timezone.now().isoformat()
    sizes = rng.integers(0, MAX_FOLLOWS + 1, size=len(subscriber_ids))
    picks = _zipf(rng, int(sizes.sum()), COMPANIES)
    rows, at = [], 0
    for n, (subscriber_id, size) in enumerate(zip(subscriber_ids, sizes, strict=True)):
        chosen = {company_ids[i] for i in picks[at : at + size]}
        at += size
        if n < fan_out:
            chosen.add(hot)
        rows.extend((subscriber_id, c, now) for c in chosen)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO newsletter_follow (subscriber_id, company_id, created_at) "
            "VALUES (%s, %s, %s)",
            rows,
        )
    monday = datetime(2026, 3, 2, 9, tzinfo=HKT)
    articles = Article.objects.bulk_create(
        Article(
            kind=Article.Kind.BRIEF,
            headline=f"公司動態第{n + 1}篇：業績與回購",
            dek=DEK,
            body=f"<p>{DEK}</p>",
            status=Article.Status.PUBLISHED,
            publish_at=monday + timedelta(minutes=20 * n),
        )
        for n in range(ARTICLES)
    )
    about = _zipf(rng, ARTICLES * 3, COMPANIES)
    through = Article.companies.through
    links = set()
    for n, article in enumerate(articles):
        for i in about[n * 3 : n * 3 + 1 + n % 3]:
            links.add((article.pk, company_ids[i]))
    through.objects.bulk_create(through(article_id=a, company_id=c) for a, c in links)
    issue = composing.create_issue(WEEK, editor_note="編者話：本週市場波動。")
    # Editors pick a couple of dozen of the week's articles, not all 500.
    issue.picks.filter(position__gt=PICKS).delete()
    composing.mark_ready(issue)
    hot_article = Article.objects.create(
        headline="熱門公司公布業績",
        dek=DEK,
        body=f"<p>{DEK}</p>",
        status=Article.Status.PUBLISHED,
        publish_at=timezone.now(),
    )
    hot_article.companies.add(hot)
    return issue, hot_article, len(rows)


def fan_out_once(article) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from newsletter import alerts
    from newsletter.models import AlertDelivery

    AlertDelivery.objects.filter(article=article).delete()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        created = alerts.fan_out(article.pk)
        elapsed = time.perf_counter() - started
    return elapsed, created, len(queries)


def main_following(count: int, fan_out: int) -> None:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    make_subscribers(count)
    issue, hot, follows = setup_following(count, fan_out)
    generate = time.perf_counter() - started
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # CPU time beside wall time: on a shared machine the wall time mostly
    # measures the neighbours.
    cpu = time.process_time()
    elapsed, messages, size = export_once(issue, 0)
    export_cpu = time.process_time() - cpu
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu = time.process_time()
    fan_time, created, fan_queries = fan_out_once(hot)
    fan_cpu = time.process_time() - cpu
    load = os.getloadavg()
    print(  # noqa: T201
        "\n".join(
            [
                f"subscribers: {count:,}, follows: {follows:,} of {COMPANIES:,} "
                f"companies (Zipf a={ZIPF_A}), {ARTICLES} articles "
                f"(generated in {generate:.1f} s)",
                f"personalised export: {elapsed:.1f} s ({export_cpu:.1f} s CPU), "
                f"{messages:,} messages, "
                f"mbox {size / 1e6:.0f} MB, {messages / elapsed:,.0f} messages/s",
                f"ru_maxrss: {rss_before:.0f} MB before exporting, "
                f"{rss_after:.0f} MB after",
                f"fan-out of one article to {created:,} followers: {fan_time:.1f} s "
                f"({fan_cpu:.1f} s CPU) to write the deliveries and enqueue, "
                f"{fan_queries} queries",
                f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
                "goals: export under 90 s and 300 MB; fan-out under 30 s",
            ]
        )
    )


def main() -> None:
    if sys.argv[1:2] == ["--following"]:
        args = sys.argv[2:]
        main_following(
            int(args[0]) if args else 100_000,
            int(args[1]) if len(args) > 1 else 20_000,
        )
        return
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    call_command("migrate", verbosity=0)
    issue = setup_issue()
    started = time.perf_counter()
    make_subscribers(count)
    generate = time.perf_counter() - started
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    times = []
    for run in range(repeats):
        elapsed, messages, size = export_once(issue, run)
        times.append(elapsed)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    tracemalloc.start()
    export_once(issue, repeats)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    lines = [
        f"subscribers: {count:,} (generated in {generate:.1f} s), "
        f"mbox {size / 1e6:.0f} MB, {messages:,} messages",
        f"export wall time: {statistics.median(times):.1f} s"
        + (
            f" (median of {repeats}, {min(times):.1f}–{max(times):.1f} s)"
            if repeats > 1
            else " (one run)"
        )
        + f", {count / statistics.median(times):,.0f} messages/s",
        f"peak Python allocations during export (tracemalloc): {peak / 1e6:.1f} MB",
        f"ru_maxrss: {rss_before:.0f} MB before exporting, {rss_after:.0f} MB after",
        "goal: under 60 s and under 300 MB for 100,000",
    ]
    print("\n".join(lines))  # noqa: T201


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(_workdir, ignore_errors=True)
