"""What of an article goes into the index, and keeping the index current.

The edit service and the workflow (through articles/changes.py) call
``index_article`` once their transaction commits, so every edit (admin,
restore, workflow, commands) keeps the index current, with the tags,
companies and byline saved in the same transaction;
the bulk writers (the importer, generate_fake_content) write their batches'
documents themselves.
Renaming a company, ticker, author or tag reindexes its articles through the
receivers below; ``manage.py rebuild_search_index`` redoes everything.
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


# --- renames --------------------------------------------------------------------
# A company, ticker, author or tag is part of the indexed text of every article
# it is attached to. companies/ must not import articles/, so the receivers
# live here; they only schedule work for after the commit.


def _reindex_later(article_ids) -> None:
    ids = list(article_ids)
    if ids:
        transaction.on_commit(partial(index_articles, ids), robust=True)


# A company, author or tag just created is attached to no article yet: nothing
# to reindex (the importer creates authors and tags by the hundred).


def company_changed(sender, instance, **kwargs) -> None:
    if kwargs.get("created"):
        return
    _reindex_later(instance.articles.values_list("pk", flat=True))


def ticker_changed(sender, instance, **kwargs) -> None:
    # Even a new ticker counts: its company's articles are indexed with it.
    _reindex_later(
        instance.company.articles.values_list("pk", flat=True)
        if instance.company_id
        else []
    )


def author_changed(sender, instance, **kwargs) -> None:
    if kwargs.get("created"):
        return
    _reindex_later(instance.bylines.values_list("article_id", flat=True))


def tag_changed(sender, instance, **kwargs) -> None:
    if kwargs.get("created"):
        return
    from articles.models import Article

    _reindex_later(
        Article.objects.filter(tags__pk=instance.pk).values_list("pk", flat=True)
    )


def connect_receivers() -> None:
    """Reindex the articles of a company, ticker, author or tag when it changes."""
    from django.db.models.signals import post_save, pre_delete
    from taggit.models import Tag

    from articles.models import Author
    from companies.models import Company

    for model, receiver in (
        (Company, company_changed),
        (Ticker, ticker_changed),
        (Author, author_changed),
        (Tag, tag_changed),
    ):
        uid = f"articles.search.{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + ".save")
        # Before the delete: afterwards the links to the articles are gone.
        pre_delete.connect(receiver, sender=model, dispatch_uid=uid + ".delete")
