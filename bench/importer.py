"""How fast copy is imported: 10,000 generated articles into a fresh SQLite file.

    .venv/bin/python bench/importer.py [articles] [runs] [--wal]

Generates the articles (export-shaped items with ticker lines, English
titles, key points, bylines, subheads and calls to action, plus wire-feed
briefs with a trailing source) in a few files in a temporary folder, migrates
a fresh SQLite database in that folder, and imports them the way the command
does (``storing.import_paths``: drafts with bylines, tags, company links,
first revision, import record and search document, written in batches).
Each run imports new copy (another random seed), so nothing is skipped as a
duplicate. Prints articles per second for each run and the median, then peak
memory: the process's peak RSS, and the peak Python allocation (tracemalloc)
of a smaller separate run, as tracemalloc itself slows the import down. The
goal (issue 5) is 300 articles/s or more; the figures are measured, not
asserted.

With the project's SQLite settings every commit waits for the disk
(rollback journal, synchronous=FULL); the importer commits once per batch of
articles. ``--wal`` switches the bench's connection to WAL with
synchronous=NORMAL, as a production SQLite would run, to show what the
importer itself costs.
"""

import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
WORKDIR = Path(tempfile.mkdtemp(prefix="newsroom-bench-import-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from articles.importing.storing import ImportOptions, import_paths  # noqa: E402
from tests.factories import make_company  # noqa: E402

FILES = 4
SURNAMES = "陳林黃李周何張王吳劉"
GIVEN = "嘉子志思慧家偉明欣軒穎文俊詠琳"
TOPICS = ["電動車", "光伏", "內房", "醫藥", "銀行", "科技", "消費", "半導體"]
TICKERS = ["9863.HK", "2202.HK", "1276.HK", "0700.HK", "601012.SH", "OCFT.US"]
SENTENCES = (
    "公司周二公布季度業績,期內營業額按年下跌百分之十二,核心盈利倒退至約三十億元。",
    "管理層表示,今年餘下時間將繼續壓縮開支,並透過出售非核心資產回籠資金。",
    "分析員認為,板塊近月反彈主要受政策憧憬帶動,基本面仍未見明顯改善。",
    "消息公布後,股價在早段急升百分之八,成交額較上日增加一倍,其後升幅收窄。",
    "集團預期明年資本開支維持在約一百億元人民幣,主要用於擴充產能及研發。",
    "市場關注美國聯儲局下周議息結果,債息回落令高息股重新受到資金追捧。",
)


def paragraph(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(SENTENCES) for _ in range(3)) + f"(第{n}段)"


def feature(rng: random.Random, n: int) -> str:
    ticker = rng.choice(TICKERS)
    name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))
    body = "\n\n".join(paragraph(rng, n * 10 + i) for i in range(4))
    return (
        f"{ticker}\nMarket story number {n}\n\n"
        f"第{n}號專題:{rng.choice(TOPICS)}行業迎來轉折\n\n"
        f"重點:\n\n  • 第{n}號要點,行業景氣度回升\n  • 估值仍低於歷史平均\n\n"
        f"{name}\n\n{body}\n\n行業展望\n\n{paragraph(rng, n)}\n\n"
        f"#{rng.choice(TOPICS)}\n\n欲訂閱本站每周免費通訊,請點擊這裏\n"
    )


def brief(rng: random.Random, n: int) -> str:
    return (
        f"簡訊:第{n}號快訊 {rng.choice(TOPICS)}股造好\n"
        f"{paragraph(rng, n)}({rng.choice(TICKERS)})(來源:示例通訊社)\n"
    )


def write_copy(folder: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    per_file = -(-count // FILES)
    for index in range(FILES):
        items = []
        for n in range(index * per_file, min(count, (index + 1) * per_file)):
            tag = seed * 1_000_000 + n
            items.append(feature(rng, tag) if n % 3 else brief(rng, tag))
        (folder / f"copy-{index}.txt").write_text("\n".join(items), encoding="utf-8")


def run(count: int, seed: int) -> float:
    folder = WORKDIR / f"run-{seed}"
    write_copy(folder, count, seed)
    start = time.perf_counter()
    reports = import_paths([folder], ImportOptions())
    elapsed = time.perf_counter() - start
    created = sum(len(report.created) for report in reports)
    failed = [report.name for report in reports if report.failed]
    if created != count or failed:
        raise SystemExit(f"imported {created} of {count}; failed: {failed}")
    return count / elapsed


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def use_wal(sender, connection, **kwargs):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")


def main() -> None:
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    count = int(args[0]) if args else 10_000
    runs = int(args[1]) if len(args) > 1 else 3
    if "--wal" in sys.argv:
        from django.db import connection
        from django.db.backends.signals import connection_created

        connection_created.connect(use_wal)
        connection.close()
    call_command("migrate", verbosity=0)
    for ticker in TICKERS[:4]:
        make_company(ticker)
    mode = "WAL, synchronous=NORMAL" if "--wal" in sys.argv else "project settings"
    say(f"SQLite file database in {WORKDIR} ({mode})")
    rates = []
    for seed in range(1, runs + 1):
        rate = run(count, seed)
        rates.append(rate)
        say(f"run {seed}: {count:,} articles, {rate:,.0f} articles/s")
    say(f"median of {runs}: {statistics.median(rates):,.0f} articles/s (goal 300)")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say(f"peak RSS of the process: {rss_mb:,.0f} MB")
    tracemalloc.start()
    run(min(count, 1_000), runs + 1)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    say(f"peak Python allocation importing 1,000 articles: {peak / 2**20:,.1f} MB")


if __name__ == "__main__":
    main()
