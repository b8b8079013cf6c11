"""How fast an issue is exported to a large list, and in how much memory.

    .venv/bin/python bench/newsletter.py [subscribers] [repeats]

Makes a temporary SQLite database (migrations run first), a week of ten live
articles and a ready issue, and ``subscribers`` active subscribers (default
100,000; one in five reading Simplified) with bulk_create. Then exports the
issue to a temporary folder (an mbox of one MIME message per subscriber, the
HTML and text per edition, recipients.csv) and prints the wall time, then the
peak of Python allocations (tracemalloc, a second run: tracing slows Python
down) and the process's ru_maxrss. With ``repeats`` above 1 it prints the
median and range of the timed runs. The goal (issue 6): 100,000 subscribers
in under 60 s and under 300 MB. Measured, not asserted.
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


def main() -> None:
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
