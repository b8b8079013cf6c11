"""gunicorn's settings for the web process: ``gunicorn newsroom.wsgi``.

gunicorn reads ./gunicorn.conf.py from the directory it starts in, so running
it from the repository root needs no ``-c``. Every value can be changed from
the environment (README, "Running in production"); command-line flags win
over this file.
"""

import os

from newsroom.env import env_int, env_str


def cpu_count() -> int:
    # The CPUs this process may use (a container's or taskset's limit), not
    # the host's.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers(cpus: int) -> int:
    # gunicorn's rule of thumb, capped: each worker holds its own copy of the
    # app (about 150 MB with the company matcher built) and its own database
    # connections, so a big machine runs more machines' worth of memory
    # before it runs out of CPU.
    return min(2 * cpus + 1, 12)


bind = env_str("GUNICORN_BIND", "127.0.0.1:8000")
workers = env_int(
    "WEB_CONCURRENCY", None, unit="worker processes", minimum=1
) or default_workers(cpu_count())

# sync workers (one request at a time per process), chosen by measurement:
# bench/workers.sh, 2 workers, wrk -c16, 10 s, on a quiet 2-core machine
# (load 1.5-2), sync against gthread x 4: the static file 3,474 against
# 2,864 req/s; the cached article 2,395 against 1,674; the article with
# nothing cached 101.5 against 64.6 (p99 588 against 1,214 ms); a company
# page with nothing cached 69.9 against 64.9. Rendering holds the GIL, so
# threads in one process queue for it and their database waits overlap
# little; processes use both cores. (On a machine loaded by other work the
# order can flip: more threads get more of the scheduler. An earlier choice
# of gthread was measured that way.) sync needs a buffering proxy in front,
# which production has (README): slow clients never hold a worker.
# gthread stays available: GUNICORN_WORKER_CLASS=gthread GUNICORN_THREADS=4.
# Each thread keeps its own persistent database connection: workers x
# threads per machine (size max_connections, or put PgBouncer in front).
worker_class = env_str("GUNICORN_WORKER_CLASS", "sync")
# gunicorn runs "sync" with more than one thread as gthread: one thread then.
threads = env_int("GUNICORN_THREADS", 4) if worker_class == "gthread" else 1

# A worker whose main loop is silent this long is killed and replaced (with
# threads, a hung process, not one slow request; the proxy's own timeout
# bounds a request).
timeout = env_int("GUNICORN_TIMEOUT", 30)
# On a deploy or HUP, requests in flight get this long to finish.
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Behind a proxy that keeps connections open to us.
keepalive = env_int("GUNICORN_KEEPALIVE", 5)

# Recycle each worker after about this many requests, so memory that grows
# (caches, fragmentation) is given back; the jitter keeps the workers from
# restarting all at once. Not much lower: a worker starts in about a second
# of CPU, and a worker serving cached pages answers thousands a second
# (1,000 here halved the throughput of cached pages).
max_requests = env_int("GUNICORN_MAX_REQUESTS", 50000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 5000)

# Trust X-Forwarded-Proto (HTTPS) only from the proxy's addresses.
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs: JSON lines, the access log on stdout (newsroom/logging.py), or in a
# file. GUNICORN_ACCESS_LOG=off leaves access logging to the proxy in front,
# which writes a line per request anyway (with $request_id and
# $upstream_response_time it has what ours has): a line here costs about a
# seventh of a cached page's throughput (docs/performance.md).
logger_class = "newsroom.logging.GunicornLogger"
accesslog = env_str("GUNICORN_ACCESS_LOG", "-")
if accesslog.lower() == "off":
    accesslog = None
errorlog = "-"
loglevel = env_str("GUNICORN_LOG_LEVEL", "info")

# gunicorn's control socket (gunicornc) defaults to one path per user, which
# two instances on a machine would fight over; nothing here uses it.
control_socket = env_str("GUNICORN_CONTROL_SOCKET")
control_socket_disable = not control_socket

# The workers' heartbeat files on tmpfs: on a container's overlay disk a
# slow write can make the master think a worker hung.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
