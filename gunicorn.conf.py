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

# Threads (gthread), chosen by measurement: a page spends part of its time
# waiting on PostgreSQL, Redis or object storage, and a thread overlaps that
# wait with another request at far less memory than a process. Measured with
# 2 workers, wrk -c16, two interleaved rounds of 10 s on a busy 2-core
# machine (docs/performance.md), gthread x 4 against sync (one thread):
# cold article 39.7 and 10.3 req/s against 11.1 and 12.4; cached article
# 1,097 and 929 against 850 and 447; the static file 2,856 and 1,573 against
# 1,808 and 1,538. The static-file gap (sync ahead) did not show; on
# pages, threads win. Rendering holds the GIL, so a few threads are enough.
# Each thread keeps its own persistent database connection: workers x
# threads per machine (size max_connections, or put PgBouncer in front).
worker_class = env_str("GUNICORN_WORKER_CLASS", "gthread")
# gunicorn runs "sync" with more than one thread as gthread: one thread then.
threads = env_int("GUNICORN_THREADS", 4 if worker_class == "gthread" else 1)

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

# Logs: JSON lines, the access log on stdout (newsroom/logging.py).
logger_class = "newsroom.logging.GunicornLogger"
accesslog = "-"
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
