"""CPU per request of make bench's targets, in-process, as gunicorn calls Django.

    .venv/bin/python bench/cpu.py [--runs N] [--profile] [--urls DIR] [TARGET|/URL ...]

(with make bench's DATABASE_URL). Each request of a target's URL list
(var/bench/urls/<target>.txt, written by make bench), or of one URL given as
a path, goes through Django's WSGI handler and the whole middleware stack,
with the page cache off unless PAGE_CACHE=1 is set; after a warm-up of 20
requests, N requests (default 200, cycling through the list) are timed with
``time.process_time``. Prints the median and mean CPU milliseconds, the SQL
queries of the list's first URL and its size, and, on a PostgreSQL server on
this machine, the CPU its backend (the server process of this connection)
spent per request (from /proc/PID/schedstat); with --profile, pyinstrument's
tree of where the time went. Unlike wrk's figures these do not depend on what
else the machine runs, only on this process.

The same measure of the Wagtail peer, with its own interpreter, settings and
URL lists (``manage.py dump_urls --out DIR`` in its site):

    cd ../shared/bench/peer-wagtail/site && DJANGO_SETTINGS_MODULE=peersite.settings \
      /tmp/wagtail-venv/bin/python /path/to/bench/cpu.py --urls DIR article tag
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import unquote_to_bytes

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("PAGE_CACHE", "0")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

TARGETS = ["article", "home", "index_p1", "index_deep", "company", "tag"]


def call(url: str) -> tuple[str, bytes]:
    """One GET of ``url`` through the WSGI application: (status, body)."""
    path, _, query = url.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        # WSGI carries the path percent-decoded, as latin-1 (PEP 3333).
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8101",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    statuses = []
    body = b"".join(application(environ, lambda s, h, e=None: statuses.append(s)))
    return statuses[0], body


def backend_cpu() -> tuple[int, int] | None:
    """(pid, nanoseconds of CPU so far) of this connection's PostgreSQL
    server process, when the server runs on this machine; else None."""
    if connection.vendor != "postgresql" or connection.connection is None:
        return None
    pid = connection.connection.info.backend_pid
    try:
        return pid, int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except OSError:
        return None


def measure(target: str, runs: int, *, profile: bool = False, lists: Path) -> str:
    if target.startswith("/"):
        urls = [target]
    else:
        urls = (lists / f"{target}.txt").read_text().split()
    for url in urls[:20]:
        call(url)
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    timings = []
    server_before = backend_cpu()
    for url in (urls * (runs // len(urls) + 1))[:runs]:
        start = time.process_time()
        status, body = call(url)
        timings.append((time.process_time() - start) * 1000)
        if not status.startswith("200"):
            raise SystemExit(f"{url}: {status}")
    server_after = backend_cpu()
    server = ""
    if server_before and server_after and server_before[0] == server_after[0]:
        spent = (server_after[1] - server_before[1]) / runs / 1e6
        server = f", PostgreSQL {spent:.2f} ms CPU a request"
    if profiler is not None:
        profiler.stop()
        sys.stdout.write(profiler.output_text(unicode=True, show_all=False))
    with CaptureQueriesContext(connection) as queries:
        _, body = call(urls[0])
    return (
        f"{target}: median {statistics.median(timings):.2f} ms, "
        f"mean {statistics.mean(timings):.2f} ms CPU over {runs} requests, "
        f"{len(queries)} queries, {len(body):,} bytes{server}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("targets", nargs="*", default=TARGETS)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--urls", type=Path, default=ROOT / "var" / "bench" / "urls",
        help="the directory of the URL lists (default: make bench's)",
    )  # fmt: skip
    args = parser.parse_args()
    for target in args.targets:
        result = measure(target, args.runs, profile=args.profile, lists=args.urls)
        sys.stdout.write(result + "\n")


if __name__ == "__main__":
    main()
