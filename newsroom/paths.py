"""Paths of the pages that lists link to many times: an article, a company,
an author; and of the site's sections, which every page links to.

``reverse()`` costs about 11 µs a call (it looks up the active language, the
script prefix and the URLconf, then matches the pattern's converters). A list
page links twenty articles, their companies and their authors: some sixty
calls, a tenth of the page's CPU. Such a path is its pattern's path with the
key and slug put in, so ``path()`` reverses each pattern once per language and
prefix, with markers, and fills the markers in after. A value its pattern
would refuse goes to ``reverse()``, which raises as it always has.
``tests/test_paths.py`` checks ``path()`` against ``reverse()``.
"""

import functools
import re
from collections.abc import Callable

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# What the slug and int converters accept (django.urls.converters).
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
# Markers the patterns accept and no path contains otherwise.
_SLUG_MARK = "slug-marker-7f3a"
_PK_MARK = 9_182_736_450


def active() -> tuple:
    """What a reversed path depends on besides its arguments (and what
    {% fixed %} markup is kept by)."""
    return (get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.cache  # a few names x languages x script prefixes: bounded
def _template(name: str, with_pk: bool, with_slug: bool, *_active) -> str:
    kwargs = {}
    if with_pk:
        kwargs["pk"] = _PK_MARK
    if with_slug:
        kwargs["slug"] = _SLUG_MARK
    return reverse(name, kwargs=kwargs)


def path(name: str, *, pk: int | None = None, slug: str | None = None) -> str:
    """``reverse(name, kwargs={"pk": pk, "slug": slug})``, either optional."""
    return _path(active(), name, pk, slug)


def here() -> Callable[..., str]:
    """``path`` for many links at once: what they depend on besides their
    arguments (language, script prefix, URLconf: three thread-local reads,
    about 5 µs) read once. For one request's work, not to keep."""
    now = active()
    return lambda name, *, pk=None, slug=None: _path(now, name, pk, slug)


def _path(active: tuple, name: str, pk: int | None, slug: str | None) -> str:
    if (slug is not None and not _SLUG.fullmatch(slug)) or (
        pk is not None and not (isinstance(pk, int) and pk >= 0)
    ):
        kwargs = {k: v for k, v in (("pk", pk), ("slug", slug)) if v is not None}
        return reverse(name, kwargs=kwargs)
    template = _template(name, pk is not None, slug is not None, *active)
    if pk is not None:
        template = template.replace(str(_PK_MARK), str(pk), 1)
    if slug is not None:
        template = template.replace(_SLUG_MARK, slug, 1)
    return template


def feeds(kind: str, slug: str) -> dict[str, str]:
    """The RSS and Atom feeds of a company, tag or author (``kind``) page."""
    return {form: path(f"feed-{kind}-{form}", slug=slug) for form in ("rss", "atom")}


# What every public page links to from its header, footer and newsletter box
# (base.html): sixteen {% url %} tags there cost a page about 0.45 ms.
SECTIONS = {
    "home": "articles:home",
    "briefs": "articles:briefs",
    "features": "articles:features",
    "list": "articles:list",
    "archive": "articles:archive",
    "corrections": "articles:corrections",
    "tags": "articles:tags",
    "authors": "articles:authors",
    "search": "articles:search",
    "companies": "companies:index",
    "newsletter": "newsletter:index",
    "subscribe": "newsletter:subscribe",
    "follow": "newsletter:follow",
    "feed_rss": "feed-latest-rss",
    "feed_atom": "feed-latest-atom",
}


def sections() -> dict[str, str]:
    """The paths of SECTIONS, by their keys, in the active language."""
    return _sections(*active())


@functools.cache  # languages x script prefixes: bounded
def _sections(*_active) -> dict[str, str]:
    return {key: reverse(name) for key, name in SECTIONS.items()}
