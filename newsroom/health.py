"""``/healthz`` for load balancers and orchestrators: 200 ``ok`` when this app
server can reach every database and the cache, 503 naming what failed.

It is a middleware placed first rather than a view, so that the probe is
answered before anything else runs: no host check (probes often send the
machine's IP as the Host header, which ALLOWED_HOSTS rightly refuses), no
HTTPS redirect (a balancer probes over plain HTTP), no session, no language
choice or /zh-hans/ edition, no page cache. The answer is plain text for
machines (so not translated) and never cached.
"""

import logging
import os
import socket
import uuid

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse

PATH = "/healthz"
logger = logging.getLogger(__name__)


def check_database(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    # A key per process and a fresh value: proves this process writes and
    # reads the shared cache, and never reads another server's answer.
    key = f"healthz:{socket.gethostname()}:{os.getpid()}"
    value = uuid.uuid4().hex
    cache.set(key, value, timeout=60)
    if cache.get(key) != value:
        raise RuntimeError("the cache gave back a different value")


def failed_parts() -> list[str]:
    """The parts that did not answer: ``database`` (and ``database replica``,
    any other alias), ``cache``."""
    checks = [
        (
            "database" if alias == DEFAULT_DB_ALIAS else f"database {alias}",
            check_database,
            (alias,),
        )
        for alias in connections
    ]
    checks.append(("cache", check_cache, ()))
    failed = []
    for name, check, args in checks:
        try:
            check(*args)
        # Whatever a driver raises (psycopg, redis, sockets), the probe must
        # answer, and say which part failed.
        except Exception:  # noqa: BLE001
            logger.exception("Health check: %s failed", name)
            failed.append(name)
    return failed


class HealthCheckMiddleware:
    """Answer ``/healthz`` before any other middleware sees the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != PATH:
            return self.get_response(request)
        failed = failed_parts()
        if failed:
            body, status = "\n".join(f"{name}: failed" for name in failed), 503
        else:
            body, status = "ok", 200
        response = HttpResponse(
            body, status=status, content_type="text/plain; charset=utf-8"
        )
        response["Cache-Control"] = "no-store"
        return response
