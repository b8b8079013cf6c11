"""A server-side cache of public pages, invalidated exactly by dependency tags.

An anonymous GET of a public page is rendered once and then served from the
cache (Redis in production) until something it shows changes. Each cached
page carries the *tags* it depends on, with the version each tag had when the
page was rendered:

- every model instance loaded while rendering is recorded automatically
  (``track_instances``, through ``post_init``): an article's page depends on
  ``a:<pk>`` of the article, its neighbours and related articles, on
  ``c:<pk>`` of each company shown, and so on; a page that loads many of one
  kind (a sitemap, the company index) records that kind's coarse tag
  instead;
- views add what instances cannot tell: the *lists* a page shows
  (``record``), whose membership changes when an article is published,
  unpublished or moved, and the moment a scheduled article will join them
  (``expires_at``).

A change bumps the versions of the tags it touches (``invalidate``); a cached
page whose tags have all kept their versions is served, any other is
re-rendered. Nothing is deleted or scanned: bumping a tag is one cache write,
checking a page one read of its tags' versions. What each change bumps is
the articles app's business (articles/caching.py); this module knows no
model.

Only pages whose view declared its dependencies (``record`` or
``expires_at``) are stored: a new view is not cached until its author says
what it shows. Anything with a cookie, a session, a Vary on the cookie or a
private Cache-Control is never stored, and a request carrying the session
cookie (an editor) is always rendered afresh.

The cache is a help, never a dependency: if it fails, pages are rendered as
if it were empty, and the failure is logged.
"""

import contextvars
import hashlib
import logging
import pickle
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db.models.signals import post_init
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, set_response_etag

# Never stored: the desk, previews, the language switch (the same list keeps
# them private for browsers and CDNs).
from newsroom.middleware import PRIVATE_PREFIXES
from newsroom.security import used_nonce

logger = logging.getLogger(__name__)

STORED_STATUSES = (200, 301)
# A page that loads more instances of one model than this records the model's
# coarse tag instead of one tag per instance.
MAX_TAGS_PER_MODEL = 200
# Bumped (before any tag) by every invalidation, read by a render before and
# after: a render that overlapped an invalidation is not stored, so a page
# read from the database just before a commit is never kept as current.
GENERATION_KEY = "pc:generation"
# "hit" on a page served from the cache, "miss" on one rendered and stored;
# absent on pages the cache does not keep.
HEADER = "X-Page-Cache"


def enabled() -> bool:
    """Whether pages are kept (the middleware)."""
    return getattr(settings, "PAGE_CACHE", False)


def active() -> bool:
    """Whether pages or fragments are kept, so changes must invalidate them."""
    return enabled() or getattr(settings, "FRAGMENT_CACHE", False)


def _cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def _now() -> float:
    # Django's clock, the one Article.objects.live() reads.
    return timezone.now().timestamp()


def _version_key(tag: str) -> str:
    return "pc:v:" + tag


def _new_token() -> int:
    # Random, not a counter: a version evicted and set again never repeats an
    # old value, so an old page can never match it again. An int: Django's
    # Redis backend stores ints as they are, so _read can read them raw.
    return secrets.randbits(62)


def _read(cache, keys: list[str]) -> list[bytes | None]:
    """The values of version keys (or the generation), as bytes; None: missing.

    Every hit reads a page's tag versions, so on Redis this is one MGET on
    the backend's own client, without Django's per-key validation and
    unpickling (half the cost of ``get_many``); values are ints, which the
    backend stores unpickled.
    """
    if isinstance(cache, RedisCache):
        # Django's backend makes a new client object (about 0.2 ms) for every
        # call; one per cache object (per thread) shares the same pool.
        client = getattr(cache, "_page_cache_client", None)
        if client is None:
            client = cache._page_cache_client = cache._cache.get_client(write=False)
        return client.mget([cache.make_key(k) for k in keys])
    found = cache.get_many(keys)
    return [None if found.get(k) is None else str(found[k]).encode() for k in keys]


# --- What the page being rendered depends on -----------------------------------


@dataclass
class Dependencies:
    tags: set[str] = field(default_factory=set)
    per_model: dict[str, set[str]] = field(default_factory=dict)
    coarse: set[str] = field(default_factory=set)
    declared: bool = False
    expires: float | None = None

    def add_instance(self, coarse: str, tags: Iterable[str]) -> None:
        if coarse in self.coarse:
            return
        bucket = self.per_model.setdefault(coarse, set())
        bucket.update(tags)
        if len(bucket) > MAX_TAGS_PER_MODEL:
            self.coarse.add(coarse)
            del self.per_model[coarse]

    def merge(self, tags: Iterable[str], expires: float | None) -> None:
        """Depend on what a fragment used here depends on."""
        self.tags.update(tags)
        if expires is not None:
            self.expires = (
                expires if self.expires is None else min(self.expires, expires)
            )

    def all_tags(self) -> list[str]:
        tags = set(self.tags) | self.coarse
        for bucket in self.per_model.values():
            tags |= bucket
        return sorted(tags)


_current: contextvars.ContextVar[Dependencies | None] = contextvars.ContextVar(
    "page_dependencies", default=None
)


def recording() -> bool:
    """Whether a page being rendered now may be stored (so its views should
    say what it depends on)."""
    return _current.get() is not None


def record(*tags: str) -> None:
    """The page being rendered depends on ``tags`` (lists, coarse tags)."""
    deps = _current.get()
    if deps is not None:
        deps.tags.update(tags)
        deps.declared = True


def expires_at(moment: datetime | None) -> None:
    """The page being rendered becomes stale at ``moment`` with nothing saved
    (a scheduled article joins it then); None: no such moment."""
    deps = _current.get()
    if deps is None:
        return
    deps.declared = True
    if moment is not None:
        deps.merge((), moment.timestamp())


def track_instances(
    model, tags: Callable[[object], Iterable[str]], *, coarse: str
) -> None:
    """Record ``tags(instance)`` for every ``model`` instance loaded while a
    page is rendered (``coarse`` instead, past MAX_TAGS_PER_MODEL)."""

    def receiver(sender, instance, **kwargs):
        deps = _current.get()
        if deps is not None and instance.pk is not None:
            deps.add_instance(coarse, tags(instance))

    post_init.connect(
        receiver, sender=model, weak=False, dispatch_uid=f"pagecache.{coarse}"
    )


# --- Invalidation ------------------------------------------------------------


def invalidate(tags: Iterable[str]) -> None:
    """Give each tag a new version: every cached page showing one is stale."""
    tags = sorted(set(tags))
    if not tags:
        return
    cache = _cache()
    try:
        _bump_generation(cache)
        cache.set_many({_version_key(t): _new_token() for t in tags}, timeout=None)
    except Exception:
        # The change itself is saved; pages showing it may be served stale
        # until their entries expire (PAGE_CACHE_SECONDS).
        logger.exception("page cache: could not invalidate %s", tags)


def _bump_generation(cache) -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet (or evicted)
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


# --- The middleware ----------------------------------------------------------


def _eligible(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.path_info.startswith(PRIVATE_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _entry_key(request) -> str:
    # Scheme and host too: feeds and sitemaps carry absolute URLs.
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "pc:page:" + hashlib.sha256(url.encode()).hexdigest()


def _storable(response) -> bool:
    if response.status_code not in STORED_STATUSES or response.streaming:
        return False
    if response.cookies or "cookie" in response.get("Vary", "").lower():
        return False
    control = response.get("Cache-Control", "").lower()
    return "private" not in control and "no-store" not in control


class _LocalEntries:
    """The entries this process served last, so a hit needs one small read.

    Only a copy: an entry is served only after its tags' versions are read
    from the shared cache, so it is never staler than the shared one. Kept
    to PAGE_CACHE_LOCAL_BYTES (entries' ``size``), least recently used
    dropped first.
    """

    def __init__(self):
        self._entries: OrderedDict[str, dict] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        limit = getattr(settings, "PAGE_CACHE_LOCAL_BYTES", 0)
        if entry["size"] > limit:
            return
        with self._lock:
            self._drop(key)
            self._entries[key] = entry
            self._bytes += entry["size"]
            while self._bytes > limit:
                self._drop(next(iter(self._entries)))

    def discard(self, key):
        with self._lock:
            self._drop(key)

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _drop(self, key):
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry["size"]


_local = _LocalEntries()


def _safe(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)
        return None


def _current_entry(cache, entry) -> bool:
    """Whether nothing the entry shows has changed (or will have, by now)."""
    if entry["expires"] is not None and _now() >= entry["expires"]:
        return False
    tags = entry["tags"]
    if not tags:
        return True
    return _safe(_read, cache, [_version_key(t) for t in tags]) == entry["versions"]


def _lookup(cache, key):
    """A current entry for ``key`` (this process's copy or the shared one)."""
    entry = _local.get(key)
    if entry is not None:
        if _current_entry(cache, entry):
            return entry
        _local.discard(key)
    entry = _safe(cache.get, key)
    if entry is not None and _current_entry(cache, entry):
        _local.put(key, entry)
        return entry
    return None


def _generation(cache):
    """Read before a render, compared after it (see GENERATION_KEY)."""
    return _safe(_read, cache, [GENERATION_KEY])


def _store(cache, key, entry, deps, generation) -> bool:
    """Keep ``entry`` (a dict with its ``size``) with the versions of ``deps``."""
    tags = deps.all_tags()
    keys = [_version_key(t) for t in tags]
    try:
        *versions, now_generation = _read(cache, [*keys, GENERATION_KEY])
        if generation is None or [now_generation] != generation:
            return False  # something changed while this was rendered
        missing = [k for k, v in zip(keys, versions, strict=True) if v is None]
        if missing:
            # add(), not set(): another process may be setting it too.
            for k in missing:
                cache.add(k, _new_token(), timeout=None)
            versions = _read(cache, keys)
        if None in versions:
            return False
        entry = {**entry, "tags": tags, "versions": versions, "expires": deps.expires}
        timeout = settings.PAGE_CACHE_SECONDS
        if deps.expires is not None:
            timeout = max(1, min(timeout, int(deps.expires - _now()) + 1))
        cache.set(key, entry, timeout=timeout)
        _local.put(key, entry)
        return True
    except Exception:
        logger.warning("page cache: could not store %s", key, exc_info=True)
        return False


# --- Fragments -----------------------------------------------------------------


def fragment(name: str, compute: Callable[[], object]):
    """``compute()``, kept until something it read changes.

    The part of a page that costs most (an article's header, body, related
    articles) is kept like a page: with the tags of what ``compute`` loaded
    or declared, checked on every use. A page rendered with it depends on
    those tags too. None is never kept (an article not found, not live).
    FRAGMENT_CACHE=0 turns fragments off; the page cache is separate.
    """
    parent = _current.get()
    if not getattr(settings, "FRAGMENT_CACHE", False):
        return compute()
    cache = _cache()
    key = "pc:frag:" + hashlib.sha256(name.encode()).hexdigest()
    entry = _lookup(cache, key)
    if entry is not None:
        if parent is not None:
            parent.merge(entry["tags"], entry["expires"])
        return entry["value"]
    generation = _generation(cache)
    deps = Dependencies()
    token = _current.set(deps)
    try:
        value = compute()
    finally:
        _current.reset(token)
    if parent is not None:
        parent.merge(deps.all_tags(), deps.expires)
    if value is not None:
        size = len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        _store(cache, key, {"value": value, "size": size}, deps, generation)
    return value


# --- The middleware ----------------------------------------------------------


class PageCacheMiddleware:
    """Serve anonymous public GETs from the cache; render and store on a miss.

    Sits right below WhiteNoise, so a hit costs what a static file costs plus
    one read of the tags' versions. Below it, PublicCacheMiddleware and
    ConditionalGetMiddleware give a rendered page its Cache-Control and ETag,
    which are stored with it; a hit answers If-None-Match itself. Above the
    edition conversion, so the Simplified edition is stored converted, under
    its own /zh-hans/ URL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled() or not _eligible(request):
            return self.get_response(request)
        cache = _cache()
        key = _entry_key(request)
        hit = _lookup(cache, key)
        if hit is not None:
            return self._respond(request, hit)
        if request.method != "GET":
            return self.get_response(request)
        generation = _generation(cache)
        deps = Dependencies()
        token = _current.set(deps)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        # A page that drew a CSP nonce is this request's alone.
        if deps.declared and _storable(response) and not used_nonce(request):
            if response.status_code == 200 and not response.has_header("ETag"):
                set_response_etag(response)
            entry = {
                "status": response.status_code,
                "content": response.content,
                "size": len(response.content),
                "headers": [
                    (name, value)
                    for name, value in response.headers.items()
                    if name.lower() not in ("set-cookie", HEADER.lower())
                ],
            }
            if _store(cache, key, entry, deps, generation):
                response.headers[HEADER] = "miss"
        return response

    @staticmethod
    def _respond(request, entry):
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response.headers[name] = value
        response.headers[HEADER] = "hit"
        if entry["status"] == 200:
            # What ConditionalGetMiddleware does for a rendered page.
            return get_conditional_response(
                request, etag=response.get("ETag"), response=response
            )
        return response
