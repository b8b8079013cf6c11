"""A bounded load run: the public site under a 60-second spike, with a
brief published in the middle of it.

    .venv/bin/python bench/load.py            (or: make load)

Same set-up as bench/site.py (PostgreSQL database ``bench_site``, Redis,
gunicorn with 2 workers and gunicorn.conf.py, production settings with the
page cache on), started with every cache empty, as when a story breaks. wrk
asks for a random URL per request from a mix of every public target
(articles in both editions, home, lists, a deep page, companies, tags,
search, feeds, sitemaps: var/bench/urls/). After LOAD_PUBLISH_AFTER seconds
an editor publishes a brief through the workflow; the run records when the
home page shows it. Afterwards one URL of each target is checked for the
public headers (Cache-Control public with stale-while-revalidate, no
Set-Cookie, no Vary: Cookie, a Content-Security-Policy).

Prints the figures, writes var/bench/load.json and exits 1 on any error, a
missing header or a brief that did not appear. Environment: LOAD_DURATION
(default 60s), LOAD_CONNECTIONS (16), LOAD_PUBLISH_AFTER (20).
"""

import json
import os
import subprocess
import sys
import time
import urllib.request
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path

# bench/site.py, loaded by path (its name is the standard library's too).
_spec = spec_from_file_location(
    "bench_site", Path(__file__).resolve().parent / "site.py"
)
bench = module_from_spec(_spec)
_spec.loader.exec_module(bench)

DURATION = os.environ.get("LOAD_DURATION", "60s")
CONNECTIONS = os.environ.get("LOAD_CONNECTIONS", "16")
PUBLISH_AFTER = float(os.environ.get("LOAD_PUBLISH_AFTER", "20"))
LUA = bench.PEER / "bench" / "random_url.lua"


def mixed_urls() -> Path:
    """Every target's URLs in one file, each target equally likely per line
    count (the article lists are longer; they are cut to 200 lines)."""
    lines = []
    for target in bench.ALL_TARGETS:
        paths = (bench.VAR / "urls" / f"{target}.txt").read_text().split()
        lines.extend(paths[:200])
    mixed = bench.VAR / "urls" / "load-mix.txt"
    mixed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return mixed


def parse_wrk(output: str) -> dict:
    line = next(x for x in output.splitlines() if x.startswith("WRK "))
    fields = dict(item.split("=", 1) for item in line.split()[1:])
    return {key: float(value) for key, value in fields.items()}


def check_headers(base: str) -> list[dict]:
    """One URL per target, as a reader (or a CDN) gets it."""
    checked = []
    for target in bench.ALL_TARGETS:
        path = (bench.VAR / "urls" / f"{target}.txt").read_text().split()[0]
        with urllib.request.urlopen(base + path) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
            status = response.status
        control = headers.get("cache-control", "")
        checked.append(
            {
                "target": target,
                "status": status,
                "cache_control": control,
                "public": "public" in control and "stale-while-revalidate" in control,
                "set_cookie": "set-cookie" in headers,
                "vary_cookie": "cookie" in headers.get("vary", "").lower(),
                "csp": "content-security-policy" in headers,
            }
        )
    return checked


def main() -> int:
    bench.VAR.mkdir(parents=True, exist_ok=True)
    bench.ensure_services()
    articles = bench.ensure_data()
    bench.prepare_site()
    urls = mixed_urls()
    base = f"http://127.0.0.1:{bench.PORT}"
    with bench.Server("cached") as server:
        bench.log(f"load: wrk {DURATION}, {CONNECTIONS} connections, {urls.name}")
        load = subprocess.Popen(
            ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--timeout", "10s",
             "-s", str(LUA), base],
            stdout=subprocess.PIPE, text=True,
            env={**os.environ, "URLFILE": str(urls)},
        )  # fmt: skip
        time.sleep(PUBLISH_AFTER)
        headline = f"負載測試快訊 {time.strftime('%H%M%S')}"
        script = str(bench.ROOT / "bench" / "site_publish.py")
        env = bench.django_env()
        pk = bench.run(
            [bench.PY, script, "publish", headline], env=env, capture_output=True
        ).stdout.strip()
        published = time.monotonic()
        shown_after = None
        while time.monotonic() - published < 30:
            with urllib.request.urlopen(base + "/") as response:
                if headline in response.read().decode():
                    shown_after = round(time.monotonic() - published, 2)
                    break
            time.sleep(0.05)
        output = load.communicate()[0]
        rss = server.worker_rss_mb()
        headers = check_headers(base)
        bench.run([bench.PY, script, "remove", pk], env=env)
    figures = parse_wrk(output)
    errors = sum(
        int(figures[key])
        for key in ("err_connect", "err_read", "err_write", "err_timeout", "err_status")
    )
    results = {
        "articles": articles,
        "measured_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "duration": DURATION,
        "connections": int(CONNECTIONS),
        "urls": int(figures["urls"]),
        "requests": int(figures["requests"]),
        "rps": figures["rps"],
        "p50_ms": figures["p50_ms"],
        "p99_ms": figures["p99_ms"],
        "max_ms": figures["max_ms"],
        "errors": errors,
        "published_brief_on_home_after_s": shown_after,
        "worker_rss_mb": rss,
        "headers": headers,
    }
    (bench.VAR / "load.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    bad_headers = [
        h["target"]
        for h in headers
        if h["status"] != 200
        or not h["public"]
        or h["set_cookie"]
        or h["vary_cookie"]
        or not h["csp"]
    ]
    sys.stdout.write(
        f"load run: {results['requests']:,} requests in {DURATION} over "
        f"{results['urls']} URLs, {results['rps']:,.0f} req/s, "
        f"p50 {results['p50_ms']:.1f} ms, p99 {results['p99_ms']:.1f} ms, "
        f"max {results['max_ms']:.0f} ms, errors {errors}\n"
        f"brief published at {PUBLISH_AFTER:.0f} s shown on the home page "
        f"{shown_after} s after its commit\n"
        f"worker RSS after the run: {rss} MB\n"
        f"public headers: {len(headers) - len(bad_headers)}/{len(headers)} "
        f"targets public, cookie-free, with a CSP"
        + (f" (failing: {', '.join(bad_headers)})" if bad_headers else "")
        + "\n"
    )
    return 1 if errors or bad_headers or shown_after is None else 0


if __name__ == "__main__":
    sys.exit(main())
