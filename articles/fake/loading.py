"""Generated content into the database, in bulk, a batch at a time.

``populate`` makes authors, tags and companies (with tickers) first, then
articles in batches of ``BATCH_SIZE``: each batch is generated, written with
``bulk_create`` (bylines, tags and company links too) and indexed for search,
in one transaction, then dropped, so memory does not grow with the count and
an interrupted run leaves only whole batches behind, each one searchable.

``bulk_create`` skips ``Article.save()``: each article gets the columns
``save()`` derives (``Article.derive_columns``), and its search document is
made by ``search.indexing.document_from`` and turned into the backend's rows
by the backend, as for the importer and ``rebuild_search_index``; workers
make the rows, this process writes them. No revisions or status-change
records are written: generated articles have no history (the first save in
the admin records a revision).

Articles are about, by and tagged with what the same run makes; with
``append`` and a count of 0, with what the database has.
"""

import collections
import itertools
import multiprocessing
import os
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.models import Tag, TaggedItem

from companies.models import Company, Ticker
from newsroom.progress import SILENT

from ..models import Article, ArticleAuthor, Author
from ..search.analysis import is_cjk
from ..search.backends import BACKENDS, get_backend
from ..search.indexing import document_from
from . import text

BATCH_SIZE = 500
# Processes that make articles while this one writes them: generating and
# analysing the copy is most of the work, and it is all Python.
MAX_WORKERS = 4
# The status mix, with weights: most articles are live.
STATUSES = (("live", 88), ("scheduled", 3), ("draft", 7), ("review", 2))
# Live articles a day: their publish times spread over as many days as that
# takes, ending now, in id order (as a newsroom's would).
PER_DAY = 80
# Largest counts accepted: beyond these a run is a mistake, not a test.
LIMITS = {
    "articles": 5_000_000,
    "companies": 20_000,  # their tickers are prefetched in one query
    "authors": 10_000,
    "tags": text.MAX_TAGS,
}


class FakeContentError(ValueError):
    """Arguments or a database that the generator refuses; the message says why."""


@dataclass
class Summary:
    """What ``populate`` wrote, and how long it took."""

    seed: int
    articles: int = 0
    companies: int = 0
    tickers: int = 0
    authors: int = 0
    tags: int = 0
    statuses: Counter = field(default_factory=Counter)
    characters: int = 0  # of body text
    seconds: float = 0.0
    # Search: analysing the copy (CPU seconds, in whichever process made it)
    # and writing the rows (this process).
    analysis_seconds: float = 0.0
    index_seconds: float = 0.0


def check_counts(**counts) -> None:
    """Refuse counts that are negative, too large or that cannot make articles."""
    for name, count in counts.items():
        if count < 0:
            raise FakeContentError(
                _("--%(name)s must be 0 or more, not %(count)s.")
                % {"name": name, "count": count}
            )
        if count > LIMITS[name]:
            raise FakeContentError(
                _("--%(name)s can be at most %(limit)s.")
                % {"name": name, "limit": f"{LIMITS[name]:,}"}
            )


def populate(
    *,
    articles: int,
    companies: int,
    tags: int,
    authors: int,
    seed: int | None = None,
    append: bool = False,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
    report=lambda line: None,
    progress=SILENT,
) -> Summary:
    """Write generated content; ``report`` receives a line, ``progress`` the articles.

    Refuses (FakeContentError) a database that has articles unless ``append``,
    and counts that cannot work; nothing is written then.
    """
    check_counts(articles=articles, companies=companies, tags=tags, authors=authors)
    existing = Article.objects.count()
    if existing and not append:
        raise FakeContentError(
            _(
                "The database already has %(count)s articles. Generated content "
                "is for an empty database; pass --append to add to it anyway."
            )
            % {"count": f"{existing:,}"}
        )
    if seed is None:
        seed = random.SystemRandom().randrange(1_000_000)
    if workers is None:
        workers = min(os.cpu_count() or 1, MAX_WORKERS)
    rng = random.Random(seed)
    summary = Summary(seed=seed)
    started = time.perf_counter()

    with transaction.atomic():  # refused below: none of it is kept
        author_pool = _authors(authors, rng, summary)
        tag_pool = _tags(tags, summary)
        company_pool = _companies(companies, rng, summary)
        if articles and not author_pool:
            raise FakeContentError(
                _("Articles need authors: pass --authors 1 or more.")
            )
        if articles and not company_pool:
            raise FakeContentError(
                _("Articles need companies with tickers: pass --companies 1 or more.")
            )
    report(
        _("%(authors)s authors, %(tags)s tags, %(companies)s companies made.")
        % {
            "authors": f"{summary.authors:,}",
            "tags": f"{summary.tags:,}",
            "companies": f"{summary.companies:,}",
        }
    )
    if articles:
        maker = _Maker(
            seed=seed,
            total=articles,
            authors=author_pool,
            tags=tag_pool,
            companies=company_pool,
            vendor=connection.vendor,
        )
        article_type = ContentType.objects.get_for_model(Article).pk
        progress.total = articles
        for made, indexing in _made_batches(maker, articles, batch_size, workers):
            before = summary.articles
            _write(made, summary, article_type)
            summary.analysis_seconds += indexing
            progress.advance(summary.articles - before)
        _analyze()
    summary.seconds = time.perf_counter() - started
    return summary


# --- authors, tags, companies ----------------------------------------------


def _authors(count: int, rng, summary: Summary) -> list[tuple[int, str]]:
    """Make ``count`` authors; (id, name) of the ones articles are by."""
    if not count:
        return list(Author.objects.order_by("pk").values_list("pk", "name"))
    taken = set(Author.objects.values_list("slug", flat=True))
    made = Author.objects.bulk_create(
        [
            Author(name=name, slug=slug)
            for name, slug in text.author_names(count, rng, taken)
        ],
        batch_size=500,
    )
    summary.authors = len(made)
    return [(author.pk, author.name) for author in made]


def _tags(count: int, summary: Summary) -> list[tuple[int, str]]:
    """Make ``count`` tags (reusing any of that name); (id, name), commonest first."""
    if not count:
        return []
    names = text.tag_names(count)
    existing = {
        name.casefold(): (pk, name)
        for pk, name in Tag.objects.values_list("pk", "name")
    }
    taken_slugs = set(Tag.objects.values_list("slug", flat=True))
    slugger = Tag()
    new = []
    for name in names:
        slug = slugger.slugify(name)
        if name.casefold() not in existing and slug not in taken_slugs:
            taken_slugs.add(slug)
            new.append(Tag(name=name, slug=slug))
    made = {tag.name: tag.pk for tag in Tag.objects.bulk_create(new, batch_size=500)}
    summary.tags = len(made)
    pool = []
    for name in names:
        if name in made:
            pool.append((made[name], name))
        elif name.casefold() in existing:
            pool.append(existing[name.casefold()])
    return pool


def _companies(count: int, rng, summary: Summary) -> dict[int, Company]:
    """Make ``count`` companies with tickers; the ones articles mention, by id.

    Each with its tickers prefetched, as ``document_from`` reads them.
    """
    if count:
        taken_tickers = set(Ticker.objects.values_list("exchange", "symbol"))
        taken_slugs = set(Company.objects.values_list("slug", flat=True))
        rows, listings = [], []
        for _number, names in text.company_names(count, rng):
            base = slug = slugify(names[1])[:90] or "company"
            for n in itertools.count(2):
                if slug not in taken_slugs:
                    break
                slug = f"{base}-{n}"
            taken_slugs.add(slug)
            rows.append(
                Company(name=names[0], name_en=names[1], aliases=names[2:], slug=slug)
            )
            listings.append(text.ticker_symbols(rng, taken_tickers))
        made = Company.objects.bulk_create(rows, batch_size=500)
        tickers = Ticker.objects.bulk_create(
            [
                Ticker(company_id=company.pk, exchange=exchange, symbol=symbol)
                for company, places in zip(made, listings, strict=True)
                for exchange, symbol in places
            ],
            batch_size=1000,
        )
        summary.companies, summary.tickers = len(made), len(tickers)
        ids = {company.pk for company in made}
        # A range, not the list: SQLite takes at most 32,766 parameters.
        queryset = Company.objects.filter(pk__gte=min(ids), pk__lte=max(ids))
    else:
        ids = None
        queryset = Company.objects.filter(tickers__isnull=False).distinct()
    companies = queryset.prefetch_related(Prefetch("tickers", Ticker.objects.all()))
    return {c.pk: c for c in companies if ids is None or c.pk in ids}


def listed(company: Company) -> text.Listed:
    """``company`` as the copy mentions it: Chinese names, English name, tickers."""
    chinese = [
        name
        for name in (company.name, *company.aliases)
        if name and any(is_cjk(character) for character in name)
    ]
    return text.Listed(
        id=company.pk,
        names=tuple(dict.fromkeys(chinese or [company.name])),
        name_en=company.name_en,
        tickers=tuple((t.exchange, t.symbol) for t in company.tickers.all()),
    )


# --- articles ---------------------------------------------------------------


@dataclass
class _Made:
    """One generated article, ready to write; plain data, so workers can send it."""

    fields: dict  # for Article(...), the derived columns included
    status: str  # live, scheduled, draft or review
    authors: list[int]
    tags: list[int]
    companies: list[int]
    row: tuple  # the search backend's row, article id (unknown yet) first


class _Maker:
    """Makes batches of articles: copy, derived columns, search rows.

    No database: it runs in worker processes too. Batch ``n`` draws from its
    own ``random.Random`` seeded from (seed, n), so the content is the same
    however many processes make it.
    """

    def __init__(self, *, seed, total, authors, tags, companies, vendor):
        self.seed, self.total = seed, total
        self.authors = authors
        self.author_weights = list(
            itertools.accumulate(1 / (i + 1) ** 0.5 for i in range(len(authors)))
        )
        self.tags = tags
        self.tag_weights = text.tag_weights(len(tags))
        self.tag_of_name = {name: (pk, name) for pk, name in tags}
        self.companies = companies
        # In id order: the same content on every database, whatever its collation.
        self.listed = [
            listed(companies[pk])
            for pk in sorted(companies)
            if companies[pk].tickers.all()
        ]
        self.backend = BACKENDS[vendor]()
        self.now = timezone.now()
        # Live articles end now; the span is as long as PER_DAY a day needs.
        self.span = timedelta(days=max(30, total / PER_DAY))

    def batch(self, number: int, numbers: range) -> tuple[list[_Made], float]:
        """The articles ``numbers`` and the seconds their search rows took."""
        rng = random.Random(f"{self.seed}/{number}")
        writer = text.Writer(rng, self.listed)
        made, indexing = [], 0.0
        for n in numbers:
            article, status, authors, tags, companies = self._article(rng, writer, n)
            started = time.perf_counter()
            document = document_from(
                article,
                companies=companies,
                authors=[name for _pk, name in authors],
                tags=[name for _pk, name in tags],
            )
            row = self.backend.rows([document])[0]
            indexing += time.perf_counter() - started
            fields = {
                f.attname: getattr(article, f.attname)
                for f in Article._meta.concrete_fields
                if not f.primary_key
            }
            made.append(
                _Made(
                    fields=fields,
                    status=status,
                    authors=[pk for pk, _name in authors],
                    tags=[pk for pk, _name in tags],
                    companies=[company.pk for company in companies],
                    row=row,
                )
            )
        return made, indexing

    def _article(self, rng, writer, number):
        kind = "feature" if rng.random() < 1 / 3 else "brief"
        copy = writer.article(kind)
        status = rng.choices([s for s, _w in STATUSES], [w for _s, w in STATUSES])[0]
        publish_at = None
        if status == "live":
            # In id order across the span, a few hours either way.
            at = self.now - self.span * (1 - number / self.total)
            publish_at = min(
                at + timedelta(hours=rng.uniform(-3, 3)),
                self.now - timedelta(minutes=1),
            )
        elif status == "scheduled":
            publish_at = self.now + timedelta(hours=rng.uniform(1, 14 * 24))
        article = Article(
            kind=kind,
            headline=copy.headline,
            title_en=copy.title_en,
            dek=copy.dek,
            key_points=copy.key_points,
            body=copy.body,
            source=copy.source,
            script=Article.Script.HANT,
            status=(
                Article.Status.PUBLISHED
                if publish_at
                else Article.Status.REVIEW
                if status == "review"
                else Article.Status.DRAFT
            ),
            publish_at=publish_at,
            first_published_at=publish_at,
        )
        article.derive_columns()
        authors = list(
            dict.fromkeys(
                text.weighted_choice(rng, self.authors, self.author_weights)
                for _ in range(rng.choice((1, 1, 1, 1, 1, 2, 2, 3)))
            )
        )
        tags = []
        if self.tags:
            # The article's topics when they are tags, and a few more.
            tags = [self.tag_of_name[t] for t in copy.topics if t in self.tag_of_name]
            tags += [
                text.weighted_choice(rng, self.tags, self.tag_weights)
                for _ in range(rng.randint(1, 3))
            ]
            tags = list(dict.fromkeys(tags))[:5]
        companies = sorted(
            (self.companies[pk] for pk in copy.companies),
            key=lambda company: (company.name, company.pk),
        )
        return article, status, authors, tags, companies


def _write(made: list[_Made], summary: Summary, article_type: int) -> None:
    """Write a batch, its relations and its search rows in one transaction."""
    articles = [Article(**m.fields) for m in made]
    through = Article.companies.through
    with transaction.atomic():
        Article.objects.bulk_create(articles)
        pairs = list(zip(articles, made, strict=True))
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article_id=article.pk, author_id=pk, position=position)
            for article, m in pairs
            for position, pk in enumerate(m.authors)
        )
        TaggedItem.objects.bulk_create(
            TaggedItem(tag_id=pk, content_type_id=article_type, object_id=article.pk)
            for article, m in pairs
            for pk in m.tags
        )
        through.objects.bulk_create(
            through(article_id=article.pk, company_id=pk)
            for article, m in pairs
            for pk in m.companies
        )
        started = time.perf_counter()
        get_backend().write_rows([(article.pk, *m.row[1:]) for article, m in pairs])
        summary.index_seconds += time.perf_counter() - started
    for article, m in pairs:
        summary.statuses[m.status] += 1
        summary.characters += len(article.body_text)
    summary.articles += len(articles)


# The maker a forked worker inherits (set just before the pool starts).
_worker_maker: _Maker | None = None


def _make_in_worker(number: int, numbers: range):
    return _worker_maker.batch(number, numbers)


def _made_batches(maker: _Maker, total: int, batch_size: int, workers: int):
    """Yield each batch's (articles, indexing seconds), in order.

    With several workers, forked processes make batches while this one writes;
    only a few batches are ever waiting, so memory stays flat.
    """
    global _worker_maker
    specs = [
        (number, range(first, min(first + batch_size, total)))
        for number, first in enumerate(range(0, total, batch_size))
    ]
    if workers <= 1 or len(specs) < 2:
        for spec in specs:
            yield maker.batch(*spec)
        return
    _worker_maker = maker
    try:
        # Forked, not spawned: the workers inherit the maker (companies and
        # all) and never touch the parent's database connection.
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            queue = iter(specs)
            pending = collections.deque(
                pool.apply_async(_make_in_worker, spec)
                for spec in itertools.islice(queue, workers + 1)
            )
            while pending:
                result = pending.popleft().get()
                spec = next(queue, None)
                if spec is not None:
                    pending.append(pool.apply_async(_make_in_worker, spec))
                yield result
    finally:
        _worker_maker = None


def _analyze() -> None:
    """Fresh planner statistics: the row counts just changed by orders of magnitude."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE articles_article, articles_searchdocument,"
                " articles_articleauthor, articles_article_companies"
            )
