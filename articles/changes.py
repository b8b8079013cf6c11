"""What follows a write of an article: the search index, the image
renditions and the page cache, in that order.

Called by the edit service (articles/editing.py) and the workflow
(articles/workflow.py), the two writers of articles; ``Article.save()`` writes
its row and nothing else.
"""

import functools
import logging

from django.db import transaction

from newsroom import pagecache

from . import image_tasks, images
from .search import index_article, index_articles
from .search.indexing import write_documents

logger = logging.getLogger(__name__)


def article_written(article, *, public: bool) -> None:
    """``article`` was saved in this transaction; ``public``: readers saw it
    before or may see it now (published, live or scheduled)."""
    transaction.on_commit(functools.partial(index_article, article.pk), robust=True)
    if images.needs_renditions(article.hero_image, article.hero_renditions):
        image_tasks.schedule_renditions(article)
    if public:
        pagecache.changed()


def drafts_created(documents) -> None:
    """New drafts, without images, were inserted in this transaction: their
    search documents (``search.indexing.document_from``) go in now, in one
    go, so the index is current at the commit. If that fails the drafts stay
    and are reindexed from the database after the commit. Readers see no
    draft: the page cache stays."""
    try:
        with transaction.atomic():
            write_documents(documents)
    except Exception:
        logger.exception("Indexing new drafts failed; retrying at commit.")
        ids = [document.article_id for document in documents]
        transaction.on_commit(functools.partial(index_articles, ids), robust=True)
