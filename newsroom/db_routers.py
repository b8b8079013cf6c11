"""Reads of the public site from a read replica; everything else from the primary.

Active only when DATABASE_REPLICA_URL is set (settings add the ``replica``
alias, ``ReplicaRouter`` and ``PublicReadsFromReplicaMiddleware``).

A replica lags the primary by a moment, so it may only answer requests that
cannot tell: anonymous GETs of public pages, which a CDN serves up to a
minute stale anyway. An editor (any request with a session cookie), the
admin, previews, the newsletter's pages (a subscriber confirms seconds after
signing up), every POST, task workers and commands read the primary, so
nobody misses their own write. Within a replica request, a write, or a read
inside a transaction, switches the rest of the request to the primary.
"""

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# Public paths whose readers may have just written something they expect to see.
PRIMARY_ONLY_PREFIXES = (
    "/admin/",
    "/i18n/",
    "/preview/",
    "/newsletter/",
    "/zh-hans/preview/",
    "/zh-hans/newsletter/",
)


@dataclass
class _Reads:
    from_replica: bool


_reads: ContextVar[_Reads | None] = ContextVar("replica_reads", default=None)


def replica_allowed(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path_info.startswith(PRIMARY_ONLY_PREFIXES)
    )


class PublicReadsFromReplicaMiddleware:
    """Let the router send this request's reads to the replica when it may."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reads.set(_Reads(from_replica=replica_allowed(request)))
        try:
            return self.get_response(request)
        finally:
            _reads.reset(token)


class ReplicaRouter:
    """Reads of a replica-allowed request go to ``replica``; the rest to default."""

    def db_for_read(self, model, **hints):
        reads = _reads.get()
        if (
            reads is not None
            and reads.from_replica
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        reads = _reads.get()
        if reads is not None:
            # Read your own write for the rest of the request.
            reads.from_replica = False
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data; anything else as Django decides.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
