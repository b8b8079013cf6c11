"""The one way an article's content changes: ``save_article``.

The admin's form, a revision restored and any command or future API call it,
as status changes go through articles/workflow.py. In one transaction it
saves the row, the caller's related rows (tags, companies, bylines,
corrections), a default byline for a new article, the companies of the
tickers in the copy and a revision; it checks the edit against the workflow
(``content_edited``: a scheduled article edited by someone who may not
publish goes back to review) and applies a status change the form asked for.
At the commit the article is reindexed, its renditions made and the page
cache told (articles/changes.py). ``Article.save()`` writes the row only.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Min
from django.utils.translation import gettext as _

from . import changes, company_links, revisions, workflow
from .models import Article, ArticleAuthor, Author, Revision, Transition


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


def next_publication() -> datetime | None:
    """When the next scheduled article goes live (the page cache's horizon)."""
    return Article.objects.scheduled().aggregate(at=Min("publish_at"))["at"]
