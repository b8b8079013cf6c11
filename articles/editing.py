"""The one writer of article content: ``save_article`` and ``create_drafts``.

``save_article``: the admin's form, a revision restored, seed_demo and any
command or future API call it, as status changes (the quick actions among
them) go through articles/workflow.py. In one transaction it saves the row, the
caller's related rows (tags, companies, bylines, corrections), a default
byline for a new article, the companies of the tickers in the copy and a
revision; it checks the edit against the workflow (``content_edited``: a
scheduled article edited by someone who may not publish goes back to review)
and applies a status change the form asked for. At the commit the article is
reindexed, its renditions made and the page cache told (articles/changes.py).

``create_drafts``: new drafts in bulk (the importer), each table's rows with
one INSERT in the caller's transaction: the articles, their bylines, tag and
company links, the caller's own rows (an ``ImportRecord``), first revisions
and search documents. It never touches status.

``Article.save()`` writes the row only.
"""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Min
from django.utils.translation import gettext as _
from taggit.models import TaggedItem

from companies.models import Company

from . import changes, company_links, revisions, workflow
from .models import Article, ArticleAuthor, Author, Revision, Transition
from .search.indexing import document_from


@dataclass(frozen=True)
class Edit:
    """What an edit did besides saving: for the caller to report."""

    article: Article
    linked: company_links.TickerLinks
    revision: Revision | None
    sent_back: Transition | None  # a scheduled article sent back for approval
    transition: Transition | None  # the status change asked for, if any


def save_article(
    article: Article,
    *,
    by,
    related: Callable[[], None] | None = None,
    action: str = "",
    note: str = "",
    at: datetime | None = None,
    revision_note: str = "",
) -> Edit:
    """Save ``article`` as edited by ``by``; ``related()`` saves its related
    rows once the row has a key; ``action``: a workflow action to apply after.

    Raises StaleArticleError (someone saved since) or TransitionNotAllowed;
    nothing is saved then.
    """
    with transaction.atomic():
        creating = article.pk is None
        was_public = not creating and article.status == Article.Status.PUBLISHED
        if creating:
            article.created_by = by
        article.updated_by = by
        article.save()
        if related is not None:
            related()
        if creating and not article.bylines.exists():
            own = Author.objects.filter(user=by).first()
            if own is not None:
                ArticleAuthor.objects.create(article=article, author=own, position=0)
        linked = company_links.link_companies_from_tickers(article)
        revision = revisions.record_revision(article, by=by, note=revision_note)
        # Checks the edit against the row as it is now, locked (raising rolls
        # it back), and withdraws approval it needs again.
        sent_back = None if creating else workflow.content_edited(article, by=by)
        transition = None
        if action:
            transition = workflow.apply(action, article, by=by, note=note, at=at)
        if transition is None and sent_back is None:  # else the workflow did
            public = was_public or article.status == Article.Status.PUBLISHED
            changes.article_written(article, public=public)
    return Edit(article, linked, revision, sent_back, transition)


def restore_revision(article: Article, revision: Revision, *, by) -> Edit:
    """Bring back ``revision``'s content as a new save; the status stays."""
    revisions.restore_fields(article, revision.data)
    return save_article(
        article,
        by=by,
        related=functools.partial(revisions.restore_relations, article, revision.data),
        revision_note=_("Restored from version %d") % revision.version,
    )


@dataclass
class NewDraft:
    """A new article for ``create_drafts`` and what goes in with it.

    ``companies`` are the caller's to find (the importer looks the tickers up
    once per file), each with its tickers prefetched: the search document
    names them. ``rows``: the caller's own rows of the article, made with
    ``article=`` the unsaved article (the importer's ``ImportRecord``).
    """

    article: Article  # unsaved, a draft without an image
    authors: Sequence[Author] = ()  # saved, in byline order
    tags: Sequence[tuple[int, str]] = ()  # (tag id, tag name), in the order typed
    companies: Sequence[Company] = ()  # saved
    rows: Sequence[models.Model] = ()


def create_drafts(drafts: Sequence[NewDraft], *, by, note: str = "") -> list[Article]:
    """Insert these new drafts, created by ``by``, each table's rows in one go.

    In one transaction (a savepoint of the caller's): the articles, their
    derived columns set as ``Article.save()`` would, bylines, tag links,
    company links, the callers' rows, first revisions (``note``) and search
    documents, so the index is current when the caller commits. Status is
    never touched: drafts stay drafts, so the page cache is not told.
    Returns the articles, with their keys, in the drafts' order.
    """
    new = [draft.article for draft in drafts]
    if any(a.pk is not None or a.status != Article.Status.DRAFT for a in new):
        raise ValueError("create_drafts inserts new drafts only.")
    if any(article.hero_image for article in new):
        # bulk_create skips Article.save(), which stores an upload.
        raise ValueError("create_drafts writes no image: add it with an edit.")
    for article in new:
        article.created_by = article.updated_by = by
        article.derive_columns()
    with transaction.atomic():
        articles = Article.objects.bulk_create(new)  # sets their keys
        _insert_related(drafts, articles, by=by, note=note)
    return articles


def _insert_related(drafts, articles, *, by, note) -> None:
    """The drafts' rows in other tables, each table's in one INSERT, and
    their search documents."""
    article_type = ContentType.objects.get_for_model(Article).pk  # cached
    through = Article.companies.through
    bylines, tagged, links, firsts, documents = [], [], [], [], []
    own_rows: dict[type[models.Model], list[models.Model]] = {}
    for draft, article in zip(drafts, articles, strict=True):
        authors = list(dict.fromkeys(draft.authors))
        tags = list(dict.fromkeys(draft.tags))
        companies = sorted(
            {company.pk: company for company in draft.companies}.values(),
            key=lambda company: (company.name, company.pk),
        )
        bylines += [
            ArticleAuthor(article=article, author=author, position=position)
            for position, author in enumerate(authors)
        ]
        tagged += [
            TaggedItem(
                tag_id=tag_id, content_type_id=article_type, object_id=article.pk
            )
            for tag_id, _name in tags
        ]
        links += [through(article_id=article.pk, company_id=c.pk) for c in companies]
        for row in draft.rows:
            own_rows.setdefault(type(row), []).append(row)
        tag_names = [name for _id, name in tags]  # as the links go in
        data = revisions.snapshot_from(
            article,
            tags=tag_names,
            companies=[(company.pk, company.name) for company in companies],
            authors=[(author.pk, author.name) for author in authors],
        )
        firsts.append(
            revisions.record_revision(
                article, by=by, note=note, data=data, first=True, save=False
            )
        )
        documents.append(
            document_from(
                article,
                companies=companies,
                authors=[author.name for author in authors],
                tags=tag_names,
            )
        )
    ArticleAuthor.objects.bulk_create(bylines)
    TaggedItem.objects.bulk_create(tagged)
    through.objects.bulk_create(links)
    for model, rows in own_rows.items():
        model._default_manager.bulk_create(rows)
    Revision.objects.bulk_create(firsts)
    changes.drafts_created(documents)


def next_publication() -> datetime | None:
    """When the next scheduled article goes live (the page cache's horizon)."""
    return Article.objects.scheduled().aggregate(at=Min("publish_at"))["at"]
