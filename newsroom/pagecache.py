"""The page cache: anonymous GETs of public pages, kept until content changes.

One *generation* says which kept pages are current. A page is stored under the
generation it was rendered in; ``changed()``, called when a commit changes what
readers see, drops the generation, so every page is rendered afresh. The
generation also ends at the next scheduled publication (``PAGE_CACHE_NEXT_CHANGE``
says when), so a scheduled article appears at its minute with nothing saved.

A view is kept only if it says which query parameters it reads
(``@cached("page")``): the key is the path plus those, sorted; other
parameters (``?utm_source=…``) may be served a kept page but never store one.
Each process keeps its last pages (bounded in bytes) and trusts the generation
it read for PAGE_CACHE_RECHECK_SECONDS: a hit is served from memory; another
process's change shows within that time. Never kept: desk and preview paths,
sessions, cookies, CSP nonces, private responses. A failing cache is skipped."""

import functools
import hashlib
import logging
import secrets
import threading
from collections import OrderedDict
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.module_loading import import_string

from newsroom import edge
from newsroom.editions import traditional_path
from newsroom.middleware import PRIVATE_PREFIXES
from newsroom.security import used_nonce

logger, GENERATION_KEY = logging.getLogger(__name__), "pc:generation"
HEADER = "X-Page-Cache"  # "hit" or "miss" (rendered and kept); absent: not kept


def cached(*params: str, seconds: int | None = None):
    """Keep the view's pages by the ``params`` it reads; ``seconds`` if they drift."""

    def decorate(view):
        view.page_cache = (frozenset(params), seconds)
        return view

    return decorate


def changed() -> None:
    """What readers see changed: drop the generation now and at the commit."""

    def forget():
        _local.clear()  # this process at once; the others within a recheck
        _safe(_cache().delete, GENERATION_KEY)

    forget()
    transaction.on_commit(forget, robust=True)


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _safe(call, *args):
    try:
        return call(*args)
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)


def _generation(cache) -> str:
    now = timezone.now().timestamp()  # Django's clock, the one live() reads
    token, read_at, trusted_until = _local.generation
    if read_at <= now < trusted_until:
        return token
    found = cache.get(GENERATION_KEY)
    if found is None or (found[1] is not None and now >= found[1]):
        moment = import_string(settings.PAGE_CACHE_NEXT_CHANGE)()
        until = None if moment is None else moment.timestamp()
        left = settings.PAGE_CACHE_SECONDS if until is None else int(until - now) + 1
        found = (secrets.token_hex(8), until)
        cache.set(GENERATION_KEY, found, max(1, min(settings.PAGE_CACHE_SECONDS, left)))
    trust = now + settings.PAGE_CACHE_RECHECK_SECONDS
    _local.generation = (found[0], now, min(trust, found[1] or trust))
    return found[0]


def _options(request):
    """The view's ``cached`` options, or None (not kept)."""
    if (
        request.method not in ("GET", "HEAD")
        or request.path_info.startswith(PRIVATE_PREFIXES)
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or edge.request_has_control_characters(request)  # its 400, not a page
    ):
        return None
    urlconf = get_urlconf(settings.ROOT_URLCONF)  # what resolve() would use
    return _view_options(urlconf, traditional_path(request.path_info))


@functools.lru_cache(maxsize=4096)  # a path's view is fixed with its URLconf
def _view_options(urlconf, path):
    try:
        with translation.override(settings.LANGUAGE_CODE):
            return getattr(resolve(path, urlconf).func, "page_cache", None)
    except Resolver404:
        return None


def _key(request, params, generation) -> str:  # host too: feeds have absolute URLs
    query = sorted((k, request.GET[k]) for k in params if request.GET.get(k))
    url = f"{request.scheme}://{request.get_host()}{request.path}?{urlencode(query)}"
    return f"pc:{generation}:" + hashlib.sha256(url.encode()).hexdigest()


class _LocalCopy:
    """This process's last pages (keys carry the generation; LRU past
    PAGE_CACHE_LOCAL_BYTES) and the generation it read: when, trusted until."""

    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def get(self, key):
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
            return self.entries.get(key)

    def put(self, key, entry):
        with self.lock:
            if key not in self.entries:
                self.entries[key] = entry
                self.size += len(entry[1])
            while self.size > settings.PAGE_CACHE_LOCAL_BYTES:
                self.size -= len(self.entries.popitem(last=False)[1][1])

    def clear(self):
        with self.lock:
            self.entries, self.size, self.generation = OrderedDict(), 0, ("", 0, 0)


_local = _LocalCopy()


class PageCacheMiddleware:
    """Below WhiteNoise, so a hit skips sessions and views; above the caching
    headers, ETag, CSP and edition conversion, so a page is kept with them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        options = _options(request) if settings.PAGE_CACHE else None
        generation = _safe(_generation, _cache()) if options else None
        if generation is None:
            return self.get_response(request)
        params, seconds = options
        key = _key(request, params, generation)
        now = timezone.now().timestamp()
        entry = _local.get(key)
        if entry is None and (entry := _safe(_cache().get, key)) is not None:
            _local.put(key, entry)
        if entry is not None and now < entry[0]:
            return _respond(request, entry)
        response = self.get_response(request)
        if request.method == "GET" and set(request.GET) <= params:
            if _storable(request, response):
                if not response.has_header("ETag"):
                    set_response_etag(response)
                seconds = seconds or settings.PAGE_CACHE_SECONDS
                entry = (now + seconds, response.content, list(response.items()))
                _safe(_cache().set, key, entry, seconds)
                _local.put(key, entry)
                response.headers[HEADER] = "miss"
        return response


def _storable(request, response) -> bool:
    control = response.get("Cache-Control", "").lower()
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "cookie" not in response.get("Vary", "").lower()
        and "private" not in control
        and "no-store" not in control
        and not used_nonce(request)  # the page is this request's alone
    )


def _respond(request, entry):
    response = HttpResponse(entry[1], headers=[*entry[2], (HEADER, "hit")])
    if not any(key.startswith("HTTP_IF_") for key in request.META):  # If-None-Match…
        return response  # else what ConditionalGetMiddleware does for a rendered page:
    return get_conditional_response(request, etag=response["ETag"], response=response)
