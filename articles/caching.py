"""What each change to the newsroom's content invalidates in the page cache.

newsroom/pagecache.py keeps pages with the versions of the tags they depend
on; this module names the tags and bumps them when content changes.

Tags of things (recorded automatically for every instance a page loads):
``a:<pk>`` an article, ``c:<pk>`` a company (its tickers too), ``au:<pk>`` an
author, ``t:<pk>`` a tag, and for pages that load more than a couple of
hundred of a kind, the kind's coarse tag (``articles``, ``companies``,
``authors``, ``tags``).

Tags of lists (declared by the views with ``lists()``): ``live`` (every live
article), ``live:brief`` and ``live:feature``, ``live:c:<pk>``,
``live:t:<pk>``, ``live:au:<pk>`` (a company's, tag's, author's live
articles) and ``corrections``. ``nb:<pk>``: the previous/next links on an
article's page.

When an article changes, its *footprint* before the change (captured before
the first write of the transaction) and after it (read after the commit)
decide what is bumped:

- always ``a:<pk>``: its own page and every page showing its card or link;
- when it is published, unpublished, rescheduled or changes kind: every list
  it was or is in, and the previous/next links of its new neighbours;
- otherwise (an edit): only the lists it joined or left (a company, tag or
  author added or removed). Page 40 of the briefs is untouched by a typo
  fixed in a brief on page 1.

A scheduled article joins its lists at its publish time with nothing saved
then: a page showing a list records, as its expiry, the earliest publish time
of the scheduled articles that would join it (``lists()``), and is rendered
afresh from that moment. That costs one query when the page is rendered and
nothing per request.
"""

import functools
import threading
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Min, Q
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from taggit.models import Tag, TaggedItem

from companies.models import Company, Ticker
from newsroom import pagecache

from .models import Article, ArticleAuthor, Author, Correction

LIVE = "live"
CORRECTIONS = "corrections"


def kind_list(kind: str) -> str:
    return f"live:{kind}"


def company_list(pk: int) -> str:
    return f"live:c:{pk}"


def tag_list(pk: int) -> str:
    return f"live:t:{pk}"


def author_list(pk: int) -> str:
    return f"live:au:{pk}"


def neighbours_of(pk: int) -> str:
    return f"nb:{pk}"


# --- Views: what a page shows --------------------------------------------------


def lists(*names: str) -> None:
    """The page being rendered shows these lists of live articles: it is
    re-rendered when one changes, and when a scheduled article joins one."""
    if not pagecache.recording():
        return
    pagecache.record(*names)
    watch(*names)


def watch(*names: str) -> None:
    """Re-render the page when a scheduled article would join one of these
    lists (the previous/next links of an article page), without depending on
    their other changes."""
    if pagecache.recording():
        pagecache.expires_at(next_scheduled(names))


def depends_on(*tags: str) -> None:
    pagecache.record(*tags)


def _list_condition(name: str) -> Q | None:
    """The articles in list ``name``; None: every live article."""
    if name == LIVE:
        return None
    if name == CORRECTIONS:
        return Q(corrections__isnull=False)
    parts = name.split(":")
    if len(parts) == 2:
        return Q(kind=parts[1])
    field = {"c": "companies", "t": "tags__id", "au": "bylines__author_id"}[parts[1]]
    return Q(**{field: int(parts[2])})


def next_scheduled(names) -> datetime | None:
    """The earliest publish time of a scheduled article in any of the lists."""
    conditions = [_list_condition(name) for name in names]
    if not conditions:
        return None
    scheduled = Article.objects.scheduled()
    if None not in conditions:
        scheduled = scheduled.filter(functools.reduce(lambda a, b: a | b, conditions))
    return scheduled.aggregate(at=Min("publish_at"))["at"]


# --- Footprints ---------------------------------------------------------------


@dataclass(frozen=True)
class Footprint:
    """Where an article shows on the public site (or will, once scheduled)."""

    visible_from: datetime | None  # its publish time, if published or scheduled
    kind: str
    lists: frozenset[str]


def footprint(pk: int) -> Footprint | None:
    """The article's footprint as the database has it now (None: no article)."""
    row = (
        Article.objects.filter(pk=pk)
        .values_list("status", "publish_at", "kind")
        .first()
    )
    if row is None:
        return None
    status, publish_at, kind = row
    if status != Article.Status.PUBLISHED or publish_at is None:
        return Footprint(None, kind, frozenset())
    names = {LIVE, kind_list(kind)}
    names.update(
        company_list(c)
        for c in Article.companies.through.objects.filter(article_id=pk).values_list(
            "company_id", flat=True
        )
    )
    names.update(
        tag_list(t)
        for t in TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article), object_id=pk
        ).values_list("tag_id", flat=True)
    )
    names.update(
        author_list(a)
        for a in ArticleAuthor.objects.filter(article_id=pk).values_list(
            "author_id", flat=True
        )
    )
    if Correction.objects.filter(article_id=pk).exists():
        names.add(CORRECTIONS)
    return Footprint(publish_at, kind, frozenset(names))


def tags_to_bump(pk: int, old: Footprint | None, new: Footprint | None) -> set[str]:
    """The tags a change of article ``pk`` from ``old`` to ``new`` makes stale."""
    tags = {f"a:{pk}"}
    old_lists = old.lists if old else frozenset()
    new_lists = new.lists if new else frozenset()
    if old_lists or new_lists:
        tags.add("articles")
    placed = (
        None if old is None else (old.visible_from, old.kind),
        None if new is None else (new.visible_from, new.kind),
    )
    if placed[0] != placed[1]:
        tags |= old_lists | new_lists
        tags |= _new_neighbours(pk, new)
    else:
        tags |= old_lists ^ new_lists
    return tags


def _new_neighbours(pk: int, new: Footprint | None) -> set[str]:
    """The pages whose previous/next link now points at the article.

    (The pages whose link pointed at it before loaded it, so ``a:<pk>`` makes
    them stale already.) Only for an article live now: one still scheduled
    has no neighbours yet, and the pages around its time expire then.
    """
    if new is None or new.visible_from is None:
        return set()
    live = Article.objects.live().filter(kind=new.kind).exclude(pk=pk)
    at = new.visible_from
    if not Article.objects.live().filter(pk=pk).exists():
        return set()
    before = (
        live.filter(Q(publish_at__lt=at) | Q(publish_at=at, pk__lt=pk))
        .order_by("-publish_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    after = (
        live.filter(Q(publish_at__gt=at) | Q(publish_at=at, pk__gt=pk))
        .order_by("publish_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    return {neighbours_of(n) for n in (before, after) if n is not None}


# --- Tracking changes within a transaction -----------------------------------


class _Changes:
    """The articles a transaction changes, with their footprints before it.

    Registered as the transaction's on-commit callback: a rolled-back
    transaction (or savepoint) drops it with its captures, and at the commit
    each article's old and new footprints are compared once, however many
    writes (row, bylines, tags, companies) the change took.
    """

    def __init__(self):
        self.before: dict[int, Footprint | None] = {}

    def __call__(self):
        tags = set()
        for pk, old in self.before.items():
            tags |= tags_to_bump(pk, old, footprint(pk))
        pagecache.invalidate(tags)


def _changes() -> _Changes | None:
    """This transaction's changes; None outside a transaction (autocommit)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _Changes):
            return callback
    changes = _Changes()
    transaction.on_commit(changes, robust=True)
    return changes


_autocommit = threading.local()


def before_change(pk: int | None) -> None:
    """Capture article ``pk``'s footprint before a write (unless done already)."""
    if pk is None:  # being created
        return
    changes = _changes()
    if changes is None:
        _autocommit.before = (pk, footprint(pk))
    elif pk not in changes.before:
        changes.before[pk] = footprint(pk)


def after_change(pk: int) -> None:
    """Article ``pk`` was written: invalidate at the commit."""
    changes = _changes()
    if changes is not None:
        changes.before.setdefault(pk, None)  # None: created by this transaction
        return
    captured = getattr(_autocommit, "before", None)
    _autocommit.before = None
    old = captured[1] if captured and captured[0] == pk else None
    pagecache.invalidate(tags_to_bump(pk, old, footprint(pk)))


def _invalidate_on_commit(tags) -> None:
    transaction.on_commit(functools.partial(pagecache.invalidate, tags), robust=True)


# --- Receivers -----------------------------------------------------------------


def _article_pre_save(sender, instance, raw=False, **kwargs):
    if not raw and pagecache.active():
        before_change(instance.pk)


def _article_post_save(sender, instance, raw=False, **kwargs):
    if not raw and pagecache.active():
        after_change(instance.pk)


def _article_pre_delete(sender, instance, **kwargs):
    if pagecache.active():
        before_change(instance.pk)


def _article_post_delete(sender, instance, **kwargs):
    if pagecache.active():
        after_change(instance.pk)


def _byline_pre(sender, instance, raw=False, **kwargs):
    if not raw and pagecache.active():
        before_change(instance.article_id)


def _byline_post(sender, instance, raw=False, **kwargs):
    if not raw and pagecache.active():
        after_change(instance.article_id)


def _links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Companies or tags added to or removed from articles."""
    if not pagecache.active():
        return
    if not reverse:
        pks = [instance.pk]
    elif pk_set is not None:  # company.articles.add(...) and the like
        pks = list(pk_set)
    elif action == "pre_clear":  # company.articles.clear(): known only before
        pks = instance._page_cache_cleared = list(
            instance.articles.values_list("pk", flat=True)
        )
    else:
        pks = getattr(instance, "_page_cache_cleared", [])
    for pk in pks:
        if action.startswith("pre_"):
            before_change(pk)
        else:
            after_change(pk)


def _thing_changed(prefix: str, coarse: str):
    # A company, author or tag edited: every page that loaded it. Its list
    # too: pages showing the list loaded it anyway, and a merge of companies
    # moves article links with no article saved.
    def receiver(sender, instance, raw=False, **kwargs):
        if not raw and pagecache.active():
            _invalidate_on_commit(
                {f"{prefix}:{instance.pk}", f"live:{prefix}:{instance.pk}", coarse}
            )

    return receiver


def _ticker_changed(sender, instance, raw=False, **kwargs):
    if not raw and pagecache.active() and instance.company_id:
        _invalidate_on_commit({f"c:{instance.company_id}", "companies"})


def _correction_changed(sender, instance, raw=False, **kwargs):
    if not raw and pagecache.active():
        _invalidate_on_commit({f"a:{instance.article_id}", CORRECTIONS})


def connect() -> None:
    """Record what pages load, and invalidate what changes (AppConfig.ready)."""
    pagecache.track_instances(Article, lambda a: (f"a:{a.pk}",), coarse="articles")
    pagecache.track_instances(Company, lambda c: (f"c:{c.pk}",), coarse="companies")
    pagecache.track_instances(
        Ticker, lambda t: (f"c:{t.company_id}",), coarse="companies"
    )
    pagecache.track_instances(Author, lambda a: (f"au:{a.pk}",), coarse="authors")
    pagecache.track_instances(Tag, lambda t: (f"t:{t.pk}",), coarse="tags")

    uid = "articles.caching."
    pre_save.connect(_article_pre_save, sender=Article, dispatch_uid=uid + "a1")
    post_save.connect(_article_post_save, sender=Article, dispatch_uid=uid + "a2")
    pre_delete.connect(_article_pre_delete, sender=Article, dispatch_uid=uid + "a3")
    post_delete.connect(_article_post_delete, sender=Article, dispatch_uid=uid + "a4")
    for signal, receiver, name in (
        (pre_save, _byline_pre, "b1"),
        (pre_delete, _byline_pre, "b2"),
        (post_save, _byline_post, "b3"),
        (post_delete, _byline_post, "b4"),
    ):
        signal.connect(receiver, sender=ArticleAuthor, dispatch_uid=uid + name)
    for through in (Article.companies.through, TaggedItem):
        m2m_changed.connect(
            _links_changed, sender=through, dispatch_uid=uid + through.__name__
        )
    for model, prefix, coarse in (
        (Company, "c", "companies"),
        (Author, "au", "authors"),
        (Tag, "t", "tags"),
    ):
        receiver = _thing_changed(prefix, coarse)
        for signal in (post_save, pre_delete):
            signal.connect(
                receiver,
                sender=model,
                weak=False,
                dispatch_uid=f"{uid}{model.__name__}.{signal is post_save}",
            )
    for signal in (post_save, pre_delete):
        signal.connect(
            _ticker_changed, sender=Ticker, dispatch_uid=f"{uid}t.{signal is post_save}"
        )
        signal.connect(
            _correction_changed,
            sender=Correction,
            dispatch_uid=f"{uid}corr.{signal is post_save}",
        )
