"""What a public page costs to render with nothing cached, in-process.

    .venv/bin/python bench/render.py [--runs N] [--profile] URL...

Against the database in DATABASE_URL (e.g. make bench's), with the page cache
off: each URL through the whole middleware stack (Django's test client), after
one warm-up request; prints the median milliseconds and the SQL queries per
request, and with --profile pyinstrument's tree of where the time goes.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ["PAGE_CACHE"] = "0"

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    client = Client()
    for url in args.urls:
        assert client.get(url).status_code == 200, url
        reset_queries()  # each request empties the log as it starts
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        assert status == 200, (url, status)
        count = len(queries)  # before the next request resets the log
        profiler = None
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
        timings = []
        for _ in range(args.runs):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        if profiler is not None:
            profiler.stop()
            sys.stdout.write(profiler.output_text(unicode=True, show_all=False))
        sys.stdout.write(
            f"{url}: median {statistics.median(timings):.2f} ms over {args.runs}, "
            f"{count} queries\n"
        )


if __name__ == "__main__":
    main()
