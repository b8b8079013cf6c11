#!/usr/bin/env bash
# gunicorn's worker classes compared: sync (one thread) against gthread (4
# threads), 2 workers each, on make bench's data (run make bench first: it
# writes var/bench/urls and var/bench/static). The static file and the cached
# article with the page cache on, the cold article and company page with it
# off; ROUNDS
# interleaved rounds of D each. One RESULT line per figure (the peer's wrk
# runner).
#   BENCH_DATABASE=bench_i18 BENCH_REDIS_DB=12 BENCH_PORT=8181 bench/workers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${BENCH_PORT:-8181}" DB="${BENCH_REDIS_DB:-12}"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${BENCH_DATABASE:-bench_site}"
export REDIS_URL="redis://127.0.0.1:6379/$DB" SECRET_KEY=bench-only DEBUG=0
export ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0
export LOG_LEVEL=WARNING GUNICORN_LOG_LEVEL=warning STATIC_ROOT="$PWD/var/bench/static"
export WEB_CONCURRENCY=2 GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_MAX_REQUESTS=0
export GUNICORN_ACCESS_LOG=off
export BASE_URL="http://127.0.0.1:$PORT" WRK_DURATION="${D:-10s}"
RUN=../shared/bench/peer-wagtail/bench/bench_urls.sh
URLS=var/bench/urls
for round in ${ROUNDS:-1 2}; do
  for class in sync gthread; do
    for cache in 1 0; do
      redis-cli -n "$DB" flushdb >/dev/null
      GUNICORN_WORKER_CLASS=$class PAGE_CACHE=$cache .venv/bin/gunicorn newsroom.wsgi &
      pid=$!
      for _ in $(seq 1 60); do curl -sf -o /dev/null "$BASE_URL/healthz" && break; sleep 0.5; done
      tag="worker=$class round=$round load=$(cut -d' ' -f1 /proc/loadavg)"
      if [ "$cache" = 1 ]; then
        for url in $(cat $URLS/article.txt); do curl -s -o /dev/null "$BASE_URL$url"; done
        EXTRA="$tag" $RUN $URLS/static.txt static
        EXTRA="$tag" $RUN $URLS/article.txt article-cached
      else
        EXTRA="$tag" $RUN $URLS/article.txt article-cold
        EXTRA="$tag" $RUN $URLS/company.txt company-cold
      fi
      kill "$pid"; wait "$pid" 2>/dev/null || true
    done
  done
done
