"""The public site under load, beside the Wagtail peer and the static-file limit.

    .venv/bin/python bench/site.py            (or: make bench)

One command, on a machine with PostgreSQL and Redis (started if down):

1. data: the PostgreSQL database ``bench_site`` filled by
   ``generate_fake_content`` (BENCH_ARTICLES, default 20,000 articles, as the
   peer's default and issue 18's figures; 2,000 companies and tags, 50
   authors) unless it holds that many already;
2. the peer: ../shared/bench/peer-wagtail's own ``run.sh`` (a Wagtail news
   site with the same data shape, gunicorn with 2 workers, wrk), generating
   its data the first time, over the targets it has; run before our cold
   run and again after it, its figures the medians of both runs' rounds
   (the machine's speed drifts over minutes);
3. ours: gunicorn (gunicorn.conf.py, 2 workers) on 127.0.0.1 against the
   same PostgreSQL and Redis, started twice: ``cold`` (no page cache: every
   request renders and queries everything, as the first request after an
   edit does) and ``cached`` (as in production), with the peer's wrk runner
   (random URL from a list per request, a warm-up per target, then
   BENCH_REPS interleaved rounds);
4. the limit: one saved article page served as a static file by WhiteNoise
   in the same gunicorn (target ``static``);
5. SQL queries per page (cold, through the whole middleware stack), the
   workers' RSS after the cached run, and the ratios the issue asks for.

Everything lands in var/bench/ (results.json, results.md, wrk.txt, the URL
lists); the table is printed. Environment: BENCH_ARTICLES, BENCH_DURATION
(per round and target, default 10s), BENCH_REPS (3), BENCH_CONNECTIONS (16),
BENCH_PEER=0 to skip the peer, BENCH_PORT (8101), BENCH_PEER_PORT (8102).
"""

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PEER = ROOT.parent / "shared" / "bench" / "peer-wagtail"
PY = str(ROOT / ".venv" / "bin" / "python")

ARTICLES = int(os.environ.get("BENCH_ARTICLES", "20000"))
DURATION = os.environ.get("BENCH_DURATION", "10s")
REPS = os.environ.get("BENCH_REPS", "3")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")
PORT = int(os.environ.get("BENCH_PORT", "8101"))
PEER_PORT = int(os.environ.get("BENCH_PEER_PORT", "8102"))
DATABASE = os.environ.get("BENCH_DATABASE", "bench_site")
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")

# Targets per mode. Cold: what a request costs with nothing kept.
ALL_TARGETS = [
    "article", "article_hans", "home", "index_p1", "index_deep", "company",
    "tag", "search", "feeds", "sitemap",
]  # fmt: skip
MODES = {"cold": {"PAGE_CACHE": "0"}, "cached": {"PAGE_CACHE": "1"}}
MODE_TARGETS = {"cold": ALL_TARGETS, "cached": [*ALL_TARGETS, "static"]}
SLOW_TARGETS = {"search", "feeds", "sitemap"}


def log(message):
    sys.stdout.write(f"[bench {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stdout.flush()


def run(command, *, env=None, check=True, **kwargs):
    return subprocess.run(command, env=env, check=check, text=True, **kwargs)


def django_env(**extra) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "bench-only-not-secret",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(VAR / "static"),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_LOG_LEVEL": "warning",
        "SITE_URL": f"http://127.0.0.1:{PORT}",
    }
    env.update(extra)
    return env


# --- Services and data ------------------------------------------------------------


def ensure_services():
    if run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode:
        log("starting PostgreSQL")
        versions = sorted(os.listdir("/etc/postgresql"))
        run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main",
             "start"])  # fmt: skip
    if run(["redis-cli", "ping"], check=False, capture_output=True).returncode:
        log("starting Redis")
        run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1",
             "--port", "6379", "--save", "", "--appendonly", "no"])  # fmt: skip
    if not shutil.which("wrk"):
        log("installing wrk")
        run(["apt-get", "install", "-y", "-qq", "wrk"], stdout=subprocess.DEVNULL)


def psql(sql, database="postgres"):
    result = run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-Atqc", sql],
        capture_output=True,
    )
    return result.stdout.strip()


def ensure_data():
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'")
    count = 0
    if exists:
        found = run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DATABASE, "-Atqc",
             "SELECT count(*) FROM articles_article"],
            capture_output=True, check=False,
        )  # fmt: skip
        count = int(found.stdout.strip() or 0) if found.returncode == 0 else 0
    if count >= ARTICLES:
        log(f"{DATABASE} holds {count:,} articles: reused (migrated, vacuumed)")
        # Migrations written since the data was made, and the rows they rewrote.
        run([PY, "manage.py", "migrate", "-v0"], env=django_env(), cwd=ROOT)
        psql("VACUUM ANALYZE", DATABASE)
        return count
    log(f"filling {DATABASE} with {ARTICLES:,} articles (minutes)")
    psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    psql(f"CREATE DATABASE {DATABASE}")
    env = django_env()
    run([PY, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT)
    run(
        [PY, "manage.py", "generate_fake_content", "--articles", str(ARTICLES),
         "--companies", "2000", "--tags", "2000", "--authors", "50", "--seed", "8"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    psql("VACUUM ANALYZE", DATABASE)
    return ARTICLES


def prepare_site():
    """collectstatic, the URL lists, the saved article page (before gunicorn
    starts: WhiteNoise reads STATIC_ROOT at start-up) and queries per page."""
    env = django_env(PAGE_CACHE="0")
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT)
    result = run(
        [PY, str(ROOT / "bench" / "site_prepare.py"), str(VAR)],
        env=env,
        cwd=ROOT,
        capture_output=True,
    )
    return json.loads(result.stdout)


# --- Servers ----------------------------------------------------------------------


class Server:
    """Our gunicorn, two workers, no access log (as the peer)."""

    def __init__(self, mode):
        self.mode = mode
        self.process = None

    def __enter__(self):
        env = django_env(
            **MODES[self.mode],
            WEB_CONCURRENCY="2",
            GUNICORN_BIND=f"127.0.0.1:{PORT}",
            # No recycling during a run (the peer has none either): at cached
            # rates a worker would restart every minute or so, and the RSS
            # after the run would be a young worker's.
            GUNICORN_MAX_REQUESTS="0",
            # As the peer, which logs no requests. ("--access-logfile
            # /dev/null" still built and wrote every line: about a seventh of
            # a cached page's throughput; docs/performance.md.)
            GUNICORN_ACCESS_LOG="off",
        )
        run(["redis-cli", "-u", REDIS_URL, "flushdb"], capture_output=True)
        self.process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "newsroom.wsgi"],
            env=env, cwd=ROOT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz") as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn ({self.mode}) did not come up")

    def worker_rss_mb(self):
        children = run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, check=False
        ).stdout.split()
        sizes = []
        for pid in children:
            rss = run(["ps", "-o", "rss=", "-p", pid], capture_output=True).stdout
            sizes.append(round(int(rss) / 1024, 1))
        return sizes

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def wrk_env(base_url, app):
    return {
        **os.environ,
        "BASE_URL": base_url,
        "APP": app,
        "REPS": REPS,
        "WARMUP": "5s",
        "WRK_DURATION": DURATION,
        "WRK_CONNS": CONNECTIONS,
        "WRK_THREADS": "2",
    }


def warm(targets):
    """Ask for every URL of the targets once, so a kept mode is measured kept
    (the peer's warm-up of 5 s reaches only part of 300 article URLs)."""

    def fetch(path):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}") as r:
                r.read()
        except OSError:
            pass  # wrk reports errors; warming only fills caches

    paths = [
        line
        for target in targets
        for line in (VAR / "urls" / f"{target}.txt").read_text().split()
    ]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(fetch, paths))


def publish_under_load() -> dict:
    """A brief published while wrk loads the cached home page: seconds until
    the home page shows it, errors, and the public headers."""
    home = f"http://127.0.0.1:{PORT}/"
    load = subprocess.Popen(
        ["wrk", "-t2", f"-c{CONNECTIONS}", "-d12s", "--latency", home],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(3)
    headline = f"壓力測試快訊 {time.strftime('%H%M%S')}"
    script = str(ROOT / "bench" / "site_publish.py")
    env = django_env()
    pk = run([PY, script, "publish", headline], env=env, capture_output=True)
    published = time.monotonic()  # the publish has committed
    seen_after, headers = None, {}
    while time.monotonic() - published < 30:
        with urllib.request.urlopen(home) as response:
            if headline in response.read().decode():
                seen_after = round(time.monotonic() - published, 2)
                headers = {k.lower(): v for k, v in response.headers.items()}
                break
        time.sleep(0.05)
    output = load.communicate()[0]
    run([PY, script, "remove", pk.stdout.strip()], env=env)
    rps = [line.split()[-1] for line in output.splitlines() if "Requests/sec" in line]
    return {
        "shown_on_home_after_commit_s": seen_after,
        "wrk_rps": rps[0] if rps else None,
        "wrk_errors": "Non-2xx" in output or "Socket errors" in output,
        "cache_control": headers.get("cache-control"),
        "set_cookie": "set-cookie" in headers,
        "vary_cookie": "cookie" in headers.get("vary", "").lower(),
    }


def bench_ours(wrk_file, rss, publish_run, mode):
    """Our gunicorn in ``mode`` (cold: no page cache; cached) over its targets."""
    runner = str(PEER / "bench" / "run_targets.sh")
    targets = MODE_TARGETS[mode]
    with Server(mode) as server:
        if mode != "cold":
            log(f"ours, {mode}: asking for every URL once")
            warm(targets)
        # The slow targets in a run of their own, after the others: the
        # server works through what is queued when wrk stops, and a
        # sitemap's queue (16 requests of 150 ms) would otherwise be the
        # first second of the next round's first target, the article.
        slow = [t for t in targets if t in SLOW_TARGETS]
        for group in ([t for t in targets if t not in slow], slow):
            log(f"ours, {mode}: {' '.join(group)}")
            run(
                [runner, str(VAR / "urls"), str(wrk_file), *group],
                env=wrk_env(f"http://127.0.0.1:{PORT}", f"newsroom-{mode}"),
                stdout=subprocess.DEVNULL,
            )
        if mode == "cached":
            rss.extend(server.worker_rss_mb())
            publish_run.update(publish_under_load())


def bench_peer(wrk_file):
    """The peer's own harness, with its data at the same volume."""
    venv = Path("/tmp/wagtail-venv")
    if not (venv / "bin" / "python").exists():
        log("setting up the Wagtail peer (virtualenv)")
        run([str(PEER / "setup.sh")], stdout=subprocess.DEVNULL)
    env = wrk_env(f"http://127.0.0.1:{PEER_PORT}", "wagtail")
    env["PORT"] = str(PEER_PORT)
    env.pop("BASE_URL")
    count = run(
        [str(venv / "bin" / "python"), "-c",
         "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
         "'peersite.settings'); django.setup(); from news.models import "
         "ArticlePage; print(ArticlePage.objects.live().count())"],
        cwd=PEER / "site", capture_output=True, check=False, env=env,
    )  # fmt: skip
    have = int(count.stdout.strip() or 0) if count.returncode == 0 else 0
    if have < ARTICLES:
        log(f"the peer holds {have:,} articles: generating {ARTICLES:,}")
        env.update(GEN="1", N=str(ARTICLES))
    run_id = f"newsroom-{time.strftime('%Y%m%d-%H%M%S')}"
    log("the Wagtail peer: article index_p1 index_deep tag static")
    run([str(PEER / "run.sh")], env={**env, "RUN_ID": run_id},
        stdout=subprocess.DEVNULL)  # fmt: skip
    peer_wrk = PEER / "var" / "results" / run_id / "wrk.txt"
    with open(wrk_file, "a", encoding="utf-8") as out:
        out.write(peer_wrk.read_text(encoding="utf-8"))


# --- Results ------------------------------------------------------------------------


def parse(wrk_file):
    """Median figures per (app, target) from the RESULT lines."""
    groups = {}
    for line in wrk_file.read_text(encoding="utf-8").splitlines():
        if not line.startswith("RESULT "):
            continue
        head = line.split(" | ")[0].split()[1:]
        fields = dict(item.split("=", 1) for item in head if "=" in item)
        groups.setdefault((fields.get("app"), fields["target"]), []).append(fields)
    table = {}
    for (app, target), rows in groups.items():
        if any(r.get("failed") for r in rows):
            table.setdefault(app, {})[target] = {"failed": True}
            continue
        rps = [float(r["rps"]) for r in rows]
        table.setdefault(app, {})[target] = {
            "rps": round(statistics.median(rps), 1),
            "rps_min": min(rps),
            "rps_max": max(rps),
            "p50_ms": round(statistics.median(float(r["p50_ms"]) for r in rows), 1),
            "p99_ms": round(statistics.median(float(r["p99_ms"]) for r in rows), 1),
            "errors": sum(int(r["errors"]) for r in rows),
            "reps": len(rows),
        }
    return table


def ratio(a, b):
    return round(a / b, 2) if a and b else None


def ratios(table):
    cold = table.get("newsroom-cold", {})
    cached = table.get("newsroom-cached", {})
    # The peer's harness names itself wagtail-<database>.
    peer = next((t for app, t in table.items() if app.startswith("wagtail")), {})

    def rps(group, target):
        return group.get(target, {}).get("rps")

    fastest_static = max(rps(cached, "static") or 0, rps(peer, "static") or 0)
    return {
        "cold article / Wagtail article (goal >= 2)": ratio(
            rps(cold, "article"), rps(peer, "article")
        ),
        "cold article p99 ms at 16 connections (goal < 100)": cold.get(
            "article", {}
        ).get("p99_ms"),
        # The peer's nearest pages: its news index page 1, page 500, tag page.
        "cold home / Wagtail index page 1 (goal >= 2)": ratio(
            rps(cold, "home"), rps(peer, "index_p1")
        ),
        "cold briefs page 1 / Wagtail index page 1 (goal >= 2)": ratio(
            rps(cold, "index_p1"), rps(peer, "index_p1")
        ),
        "cold page 2,000 / Wagtail page 500 (goal >= 2)": ratio(
            rps(cold, "index_deep"), rps(peer, "index_deep")
        ),
        "cold company page / Wagtail tag page (goal >= 2)": ratio(
            rps(cold, "company"), rps(peer, "tag")
        ),
        "cold tag page / Wagtail tag page (goal >= 2)": ratio(
            rps(cold, "tag"), rps(peer, "tag")
        ),
        "cached article / faster static file (goal >= 0.8)": ratio(
            rps(cached, "article"), fastest_static
        ),
        "page 2,000 / page 1, cold (goal >= 0.5)": ratio(
            rps(cold, "index_deep"), rps(cold, "index_p1")
        ),
        "Simplified / Traditional article, cached": ratio(
            rps(cached, "article_hans"), rps(cached, "article")
        ),
        "static file: ours / Wagtail's": ratio(
            rps(cached, "static"), rps(peer, "static")
        ),
    }


def markdown(results):
    lines = [
        f"{results['articles']:,} articles on PostgreSQL; wrk -t2 "
        f"-c{CONNECTIONS} -d{DURATION}, {REPS} interleaved rounds, medians; "
        f"load average before/after {results['load_before']} / "
        f"{results['load_after']}.",
        "",
        "| app | target | req/s (min-max) | p50 ms | p99 ms | errors | SQL queries |",
        "|---|---|---|---|---|---|---|",
    ]
    for app, targets in results["table"].items():
        for target, row in targets.items():
            ours = app.startswith("newsroom")
            queries = results["queries"].get(target, "") if ours else ""
            if row.get("failed"):
                lines.append(f"| {app} | {target} | failed | | | | {queries} |")
                continue
            lines.append(
                f"| {app} | {target} | {row['rps']:,} ({row['rps_min']:,}-"
                f"{row['rps_max']:,}) | {row['p50_ms']} | {row['p99_ms']} | "
                f"{row['errors']} | {queries} |"
            )
    lines += ["", "| ratio | value |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in results["ratios"].items()]
    lines += ["", f"Worker RSS after the cached run: {results['worker_rss_mb']} MB."]
    lines += [
        "",
        "A brief published (through the workflow, in another process) while "
        f"wrk loads the cached home page: {results['publish_under_load']}",
    ]
    return "\n".join(lines)


def main():
    VAR.mkdir(parents=True, exist_ok=True)
    ensure_services()
    articles = ensure_data()
    prepared = prepare_site()
    wrk_file = VAR / "wrk.txt"
    wrk_file.write_text("", encoding="utf-8")
    load_before = os.getloadavg()[0]
    # The peer before and after our cold run, its figures the medians of
    # both runs' rounds: this machine's speed drifts over minutes (the same
    # code's tag page gave 182 and 267 req/s half an hour apart), and a peer
    # measured on one side only would give the drift to one app.
    peer = os.environ.get("BENCH_PEER", "1") != "0"
    rss, publish_run = [], {}
    if peer:
        bench_peer(wrk_file)
    bench_ours(wrk_file, rss, publish_run, "cold")
    if peer:
        bench_peer(wrk_file)
    bench_ours(wrk_file, rss, publish_run, "cached")
    table = parse(wrk_file)
    results = {
        "articles": articles,
        "measured_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "duration": DURATION,
        "reps": int(REPS),
        "connections": int(CONNECTIONS),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "queries": prepared["queries"],
        "table": table,
        "ratios": ratios(table),
        "worker_rss_mb": rss,
        "publish_under_load": publish_run,
    }
    (VAR / "results.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    text = markdown(results)
    (VAR / "results.md").write_text(text + "\n", encoding="utf-8")
    sys.stdout.write(text + "\n")
    errors = sum(
        row.get("errors", 0) for targets in table.values() for row in targets.values()
    )
    failed = any(row.get("failed") for t in table.values() for row in t.values())
    failed = failed or not publish_run.get("shown_on_home_after_commit_s")
    failed = failed or publish_run.get("wrk_errors") or publish_run.get("set_cookie")
    if errors or failed:
        log(f"{errors} errors, failed targets: {failed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
