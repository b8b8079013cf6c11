"""What of an article goes into the index, and keeping the index current.

articles/changes.py keeps it current for the two writers of articles, the
edit service and the workflow: ``index_article`` once their transaction
commits, with the tags, companies and byline saved in it; new drafts in bulk
(``editing.create_drafts``, the importer's path) have their documents
written in their own transaction (``write_documents``), as
generate_fake_content does. Saving or deleting a company, ticker, author or
tag reindexes the articles naming it (``reindex_articles_naming``, the hook
newsroom.public_content.changed calls). ``manage.py rebuild_search_index``
redoes everything.
"""

from collections.abc import Iterable, Iterator
from functools import partial

from django.db import transaction
from django.db.models import Prefetch

from companies.models import Ticker

from .analysis import analysed_text
from .backends import Document, get_backend

BATCH_SIZE = 500


def _articles():
    from articles.models import Article, ArticleAuthor

    return Article.objects.prefetch_related(
        Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author")),
        Prefetch("companies__tickers", queryset=Ticker.objects.all()),
        "tags",
    )


def document_for(article) -> Document:
    """The analysed text of ``article`` (with its relations prefetched)."""
    return document_from(
        article,
        companies=article.companies.all(),
        authors=[byline.author.name for byline in article.bylines.all()],
        tags=[tag.name for tag in article.tags.all()],
    )


def document_from(article, *, companies, authors, tags) -> Document:
    """The analysed text of ``article`` with its relations as given, unqueried.

    ``companies`` in name order, each with its tickers prefetched; ``authors``
    (names) in byline order; ``tags`` (names). For a caller that has just
    written them (the importer); ``document_for`` reads them from the database.
    """
    names = []
    for company in companies:
        names += company.all_names
        names += [str(ticker) for ticker in company.tickers.all()]
    return Document(
        article_id=article.pk,
        title=analysed_text(article.headline, article.title_en, *names),
        meta=analysed_text(article.dek, *article.key_points, *tags, *authors),
        body=analysed_text(article.body_text),
    )


def index_article(article_id: int) -> None:
    """(Re)index one article as it is in the database now."""
    article = _articles().filter(pk=article_id).first()
    if article is not None:
        get_backend().write([document_for(article)])


def write_documents(documents: list[Document]) -> None:
    """Write documents made by ``document_from`` to the index, in one go."""
    if documents:
        get_backend().write(documents)


def index_articles(article_ids: Iterable[int] | None = None) -> int:
    """(Re)index these articles (all when None) in batches; returns how many."""
    count = 0
    for batch in _batches(article_ids):
        get_backend().write([document_for(article) for article in batch])
        count += len(batch)
    return count


def _batches(article_ids, *, after: int = 0, size: int = BATCH_SIZE) -> Iterator[list]:
    queryset = _articles().order_by("pk")
    if article_ids is not None:
        queryset = queryset.filter(pk__in=list(article_ids))
    last = after
    while True:
        batch = list(queryset.filter(pk__gt=last)[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def count_after(after: int = 0) -> int:
    """How many articles a rebuild starting after pk ``after`` has to index."""
    from articles.models import Article

    return Article.objects.filter(pk__gt=after).count()


def rebuild_batches(*, after: int = 0, size: int = BATCH_SIZE) -> Iterator[tuple]:
    """Rebuild the index batch by batch, each committed as it is written.

    Yields (articles in the batch, last article pk) after each commit, so an
    interrupted rebuild resumes with ``after`` = the last pk it reported.
    Documents are replaced in place: search answers all along, from the old
    analysis for the articles not reached yet. The database's own index is
    rebuilt from the documents at the end (FTS5 on SQLite; nothing to do on
    PostgreSQL).
    """
    for batch in _batches(None, after=after, size=size):
        with transaction.atomic():
            get_backend().write([document_for(article) for article in batch])
        yield len(batch), batch[-1].pk
    with transaction.atomic():
        get_backend().rebuild()


def rebuild(*, after: int = 0) -> int:
    """Rebuild the whole index (in committed batches); returns how many articles."""
    return sum(count for count, _last in rebuild_batches(after=after))


# --- names ----------------------------------------------------------------------
# A company, ticker, author or tag is part of the indexed text of every article
# it is attached to. Whatever changes one calls newsroom.public_content.changed,
# whose hook (settings.PUBLIC_CONTENT_HOOKS) this is: companies/ and newsroom/
# must not import articles/.


def _naming_lookups() -> dict:
    """Model → the Article lookup that reaches it."""
    from taggit.models import Tag

    from articles.models import Author
    from companies.models import Company

    return {
        Company: "companies",
        Ticker: "companies__tickers",
        Author: "bylines__author",
        Tag: "tags",
    }


def articles_naming(objects) -> set[int]:
    """The ids of the articles whose documents name any of these companies,
    tickers, authors or tags, as the database links them now."""
    from articles.models import Article

    lookups = _naming_lookups()
    pks: dict[str, set] = {}
    for obj in objects:
        lookup = lookups.get(type(obj))
        if lookup is not None and obj.pk is not None:  # others name no article
            pks.setdefault(lookup, set()).add(obj.pk)
    found: set[int] = set()
    for lookup, keys in pks.items():
        keys = sorted(keys)
        for start in range(0, len(keys), BATCH_SIZE):
            chunk = keys[start : start + BATCH_SIZE]
            articles = Article.objects.filter(**{f"{lookup}__in": chunk})
            found.update(articles.values_list("pk", flat=True))
    return found


def reindex_articles_naming(objects) -> None:
    """Reindex, once the current transaction commits, the articles naming
    these objects now: call it after a save, before a delete."""
    ids = sorted(articles_naming(objects))
    if ids:
        transaction.on_commit(partial(index_articles, ids), robust=True)
