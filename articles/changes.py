"""What follows a committed write of an article: the search index, the image
renditions and the page cache, in that order.

Called by the edit service (articles/editing.py) and the workflow
(articles/workflow.py), the two writers of articles; ``Article.save()`` writes
its row and nothing else.
"""

import functools

from django.db import transaction

from newsroom import pagecache

from . import image_tasks, images
from .search import index_article


def article_written(article, *, public: bool) -> None:
    """``article`` was saved in this transaction; ``public``: readers saw it
    before or may see it now (published, live or scheduled)."""
    transaction.on_commit(functools.partial(index_article, article.pk), robust=True)
    if images.needs_renditions(article.hero_image, article.hero_renditions):
        image_tasks.schedule_renditions(article)
    if public:
        pagecache.changed()
