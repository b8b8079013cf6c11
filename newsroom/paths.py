"""Paths of the pages that lists link to many times: an article, a company,
an author.

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

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# What the slug and int converters accept (django.urls.converters).
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
# Markers the patterns accept and no path contains otherwise.
_SLUG_MARK = "slug-marker-7f3a"
_PK_MARK = 9_182_736_450


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
    if (slug is not None and not _SLUG.fullmatch(slug)) or (
        pk is not None and not (isinstance(pk, int) and pk >= 0)
    ):
        kwargs = {k: v for k, v in (("pk", pk), ("slug", slug)) if v is not None}
        return reverse(name, kwargs=kwargs)
    template = _template(
        name,
        pk is not None,
        slug is not None,
        get_language(),
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
    )
    if pk is not None:
        template = template.replace(str(_PK_MARK), str(pk), 1)
    if slug is not None:
        template = template.replace(_SLUG_MARK, slug, 1)
    return template
