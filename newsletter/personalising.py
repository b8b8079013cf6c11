"""The weekly newsletter's personal section, "Your companies".

Above the editors' picks, each subscriber sees the week's live articles about
what they follow (none → no section). 100,000 subscribers must not mean
100,000 renderings: each article's entry is rendered once per script, and a
section is put together from those entries once per distinct set of articles
(a bounded cache: subscribers with the same follows share it).
"""

import functools
from collections import defaultdict

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from articles.models import Article
from newsroom import chinese, editions

from . import tokens
from .models import Follow, Issue, Script
from .rendering import edition_language

# The newest articles shown; the rest are on the site.
SECTION_MAX = 10
CACHED_SECTIONS = 4096


def follow_keys(subscriber_ids) -> dict[int, frozenset]:
    """{subscriber id: frozenset of ("c", id) / ("t", id)}, in one query."""
    keys = defaultdict(set)
    rows = Follow.objects.filter(subscriber_id__in=subscriber_ids).values_list(
        "subscriber_id", "company_id", "tag_id"
    )
    for subscriber_id, company_id, tag_id in rows:
        keys[subscriber_id].add(("c", company_id) if company_id else ("t", tag_id))
    return {pk: frozenset(found) for pk, found in keys.items()}


class PersonalSections:
    """The section for any set of follows, in either script, for one issue."""

    def __init__(self, issue: Issue):
        start, end = issue.bounds
        self.articles = list(
            Article.objects.live()
            .filter(publish_at__gte=start, publish_at__lt=end)
            .order_by("-publish_at", "-pk")
            .prefetch_related("companies", "tags")
        )
        self.position = {a.pk: n for n, a in enumerate(self.articles)}
        self.index = defaultdict(set)
        for article in self.articles:
            for company in article.companies.all():
                self.index[("c", company.pk)].add(article.pk)
            for tag in article.tags.all():
                self.index[("t", tag.pk)].add(article.pk)
        self._by_pk = {a.pk: a for a in self.articles}
        self._entries = {}
        self.section = functools.lru_cache(maxsize=CACHED_SECTIONS)(self._section)

    def article_ids(self, keys: frozenset) -> tuple[int, ...]:
        """The newest articles of the week about anything in ``keys``."""
        found = set()
        for key in keys:
            found |= self.index.get(key, set())
        return tuple(sorted(found, key=self.position.__getitem__)[:SECTION_MAX])

    def for_follows(self, script: str, keys: frozenset) -> tuple[str, str]:
        """(html, text) of the section for these follows; ("", "") if none."""
        if not keys:
            return "", ""
        return self.section(script, self.article_ids(keys))

    def _entry(self, script: str, pk: int) -> tuple[str, str]:
        if (script, pk) not in self._entries:
            article = self._by_pk[pk]
            with translation.override(edition_language(script)):
                url = tokens.absolute(article.get_absolute_url())
            context = {"article": article, "url": url}
            self._entries[script, pk] = self._render("item", script, context)
        return self._entries[script, pk]

    def _section(self, script: str, article_ids: tuple) -> tuple[str, str]:
        if not article_ids:
            return "", ""
        entries = [self._entry(script, pk) for pk in article_ids]
        head_html, head_text = self._render("head", script, {})
        return (
            head_html + "".join(h for h, _t in entries) + "</td></tr>\n",
            head_text + "".join(t for _h, t in entries),
        )

    @staticmethod
    def _render(part: str, script: str, context: dict) -> tuple[str, str]:
        context = {**context, "site_name": settings.NEWSROOM_NAME}
        with translation.override(editions.TRADITIONAL):
            html = render_to_string(f"newsletter/email/personal_{part}.html", context)
            text = render_to_string(f"newsletter/email/personal_{part}.txt", context)
        if script == Script.HANS:
            html, text = editions.convert_markup(html), chinese.to_simplified(text)
        return html, text
