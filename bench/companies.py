"""How fast company names are found: build the matcher, scan 1 MB of copy.

    .venv/bin/python bench/companies.py [companies] [megabytes]

Generates 10,000 companies with articles/fake's generator (Traditional names of
2–8 characters from the characters Hong Kong and mainland company names use,
English names, Chinese and English aliases: about 25,000 names), builds the
matcher from plain tuples (no database) and scans about 1 MB (UTF-8) of
generated financial copy, half Traditional and half Simplified, that mentions
some of them. Prints the build time (median of 3), the scan throughput (median
of 5, from text to mentions) with the fold (``fold()``: the same table lookup
every scan starts with) shown on its own, and peak memory. The goal (issue 4)
is a build under 2 s and a scan at 20 MB/s or more; the figures are measured,
not asserted. The box is shared and noisy: run it a few times and compare medians.
"""

import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

import django  # noqa: E402

django.setup()

from articles.fake.text import GENERAL_SENTENCES  # noqa: E402
from articles.fake.text import company_names as generate_companies  # noqa: E402
from companies.matching import CompanyMatcher  # noqa: E402
from newsroom.chinese import fold, fold_table, to_simplified  # noqa: E402

# The generator's market sentences that name no company or topic.
FILLER = [sentence for sentence in GENERAL_SENTENCES if "{" not in sentence]


def generate_text(
    companies: list[tuple[int, list[str]]], megabytes: float, rng: random.Random
) -> str:
    target = int(megabytes * 1_000_000)
    paragraphs, size = [], 0
    while size < target:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            _id, names = rng.choice(companies)
            sentences.append(rng.choice(names[:1] + names[2:]) + rng.choice(FILLER))
        paragraph = "".join(sentences)
        if rng.random() < 0.5:
            paragraph = to_simplified(paragraph)
        paragraphs.append(paragraph)
        size += len(paragraph.encode()) + 1
    return "\n".join(paragraphs)


def median_seconds(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    megabytes = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    rng = random.Random(4)
    companies = generate_companies(count, rng)
    names = sum(len(n) for _id, n in companies)
    text = generate_text(companies, megabytes, rng)
    size = len(text.encode()) / 1_000_000

    table_time, _ = median_seconds(lambda: (fold_table.cache_clear(), fold_table()), 1)
    build_time, matcher = median_seconds(
        lambda: CompanyMatcher.from_names(companies), 3
    )
    fold_time, _ = median_seconds(lambda: fold(text), 5)
    scan_time, mentions = median_seconds(lambda: matcher.find(text), 5)

    tracemalloc.start()
    CompanyMatcher.from_names(companies)
    _current, build_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    lines = []
    lines.append(
        f"companies:  {count:,}, {names:,} names, {matcher.pattern_count:,} patterns"
    )
    lines.append(f"text:       {size:.2f} MB UTF-8, {len(text):,} characters")
    lines.append(f"fold table: {table_time * 1000:.0f} ms, once per process (OpenCC)")
    lines.append(f"build:      {build_time:.2f} s (median of 3; goal < 2 s)")
    lines.append(
        f"scan:       {scan_time * 1000:.1f} ms = {size / scan_time:.1f} MB/s "
        f"(median of 5, fold included; goal >= 20 MB/s), {len(mentions):,} mentions"
    )
    lines.append(
        f"  fold:     {fold_time * 1000:.1f} ms = {size / fold_time:.1f} MB/s "
        f"({fold_time / scan_time:.0%} of the scan)"
    )
    lines.append(
        f"memory:     build peak {build_peak / 1_000_000:.1f} MB "
        "(tracemalloc: Python allocations)"
    )
    lines.append(f"            ru_maxrss {maxrss:.0f} MB for the whole process")

    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
