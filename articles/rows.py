"""The fixed reads of the public pages, as plain SQL.

Building a query through the ORM costs 0.2 to 0.6 ms of CPU each time,
however simple the query; running the same statement from a cursor costs
about 0.07 ms (bench/article_parts.py). The article page's row (made the
model instance the ORM makes: newsroom/sql.py) and its seven reads around
it, a list page's two reads for its cards, the home page's lists and its
most covered companies, and the list filter's authors have a fixed shape,
so they are written here once, as SQL that SQLite and PostgreSQL both run.
Everything else reads through the ORM.

On PostgreSQL the reads by key (the article, its byline, companies, tags,
corrections, previous and next, shared links) are prepared statements:
planning them each time was a third of the server's work on an article
page (docs/performance.md).

Each function returns plain tuples or dicts (or, for the article, the
model instance); the views make what they show of them. An empty list of
keys reads nothing (SQL has no empty ``IN ()``). tests/articles/test_rows.py
checks every statement against the ORM query it stands for, on the same
data.
"""

import datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from newsroom import sql

# The columns an article's card shows (article_card): lists, related articles
# and previous/next read no others.
CARD_FIELDS = ("kind", "slug", "headline", "dek", "publish_at")

# Article.objects.live(), for a table aliased "a": keep the two the same.
LIVE = "a.status = %s AND a.publish_at <= %s"


def _article_model():
    # Looked up, not imported: models.py reads the cards through this module.
    return apps.get_model("articles", "Article")


def live_params() -> list:
    return [_article_model().Status.PUBLISHED, _db_time(timezone.now())]


def _connection():
    # Where the ORM would read articles from (a replica, for readers).
    return connections[router.db_for_read(_article_model())]


def fetch(statement: str, params, *, prepared: bool = False) -> list[tuple]:
    """``sql.fetch`` where the ORM would read articles."""
    return sql.fetch(_connection(), statement, params, prepared=prepared)


def when(value) -> datetime.datetime | None:
    """A datetime column as the ORM gives it: aware, in UTC. SQLite hands
    a raw cursor the stored text, PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _db_time(value):
    return _connection().ops.adapt_datetimefield_value(value)


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _article_type() -> int:
    return ContentType.objects.get_for_model(_article_model()).pk  # cached


# --- One article: its row, byline, companies, tags and corrections -----------------


def live_article(pk: int):
    """``Article.objects.live().filter(pk=pk)``'s article, or None.

    The article page's own row, read as the ORM reads it (``sql.instance``)
    without building its query, and prepared on PostgreSQL: about 0.6 ms
    less per article page than ``raw()``, which works out its columns and
    converters on every call.
    """
    connection = _connection()
    columns = sql.columns(_article_model(), connection.alias, "a")
    found = fetch(
        f"SELECT {columns} FROM articles_article a WHERE a.id = %s AND {LIVE}",
        [pk, *live_params()],
        prepared=True,
    )
    return sql.instance(_article_model(), connection, found[0]) if found else None


def bylines(article_ids) -> list[tuple]:
    """(article id, author id, name, slug), in byline order."""
    if not article_ids:
        return []
    return fetch(
        "SELECT ab.article_id, au.id, au.name, au.slug"
        " FROM articles_articleauthor ab"
        " JOIN articles_author au ON au.id = ab.author_id"
        f" WHERE ab.article_id IN ({_marks(article_ids)})"
        " ORDER BY ab.position, ab.id",
        list(article_ids),
        prepared=True,
    )


def company_links(article_ids) -> list[tuple]:
    """(article id, company id, name, name_en, slug, updated_at, symbol,
    exchange): one row per ticker of each company linked to the articles
    (one row of NULLs for a company with none), by company name."""
    if not article_ids:
        return []
    rows = fetch(
        "SELECT ac.article_id, c.id, c.name, c.name_en, c.slug, c.updated_at,"
        " t.symbol, t.exchange"
        " FROM articles_article_companies ac"
        " JOIN companies_company c ON c.id = ac.company_id"
        " LEFT JOIN companies_ticker t ON t.company_id = c.id"
        f" WHERE ac.article_id IN ({_marks(article_ids)})"
        " ORDER BY c.name, c.id, t.exchange, t.symbol",
        list(article_ids),
        prepared=True,
    )
    return [(*row[:5], when(row[5]), *row[6:]) for row in rows]


def tags(article_id) -> list[tuple]:
    """(tag id, name, slug) in the order typed."""
    return fetch(
        "SELECT tg.id, tg.name, tg.slug"
        " FROM taggit_taggeditem ti JOIN taggit_tag tg ON tg.id = ti.tag_id"
        " WHERE ti.content_type_id = %s AND ti.object_id = %s"
        " ORDER BY ti.id",
        [_article_type(), article_id],
        prepared=True,
    )


def corrections(article_id) -> list[dict]:
    """The article's corrections, oldest first, as Correction's fields."""
    rows = fetch(
        'SELECT id, article_id, corrected_at, wrong, "right", created_by_id'
        " FROM articles_correction WHERE article_id = %s"
        " ORDER BY corrected_at, id",
        [article_id],
        prepared=True,
    )
    fields = ("pk", "article_id", "corrected_at", "wrong", "right", "created_by_id")
    return [
        dict(zip(fields, (*row[:2], when(row[2]), *row[3:]), strict=True))
        for row in rows
    ]


# --- Around the article: previous, next and related -------------------------------

# What a neighbour's and a related article's link shows: a card's columns.
LINK_FIELDS = ("pk", *CARD_FIELDS)
LINK_COLUMNS = ", ".join(["a.id", *(f"a.{name}" for name in CARD_FIELDS)])


def _links(rows) -> list[dict]:
    links = [dict(zip(LINK_FIELDS, row, strict=True)) for row in rows]
    for link in links:
        link["publish_at"] = when(link["publish_at"])
    return links


def neighbours(article) -> tuple[dict | None, dict | None]:
    """The next older and the next newer live article of the same kind, by
    publish time then key: one step each way along article_kind_publish_idx,
    in one statement."""
    steps = []
    for newer, beyond, order in ((0, "<", " DESC"), (1, ">", "")):
        steps.append(
            f"SELECT * FROM (SELECT {newer} AS newer, {LINK_COLUMNS}"
            f" FROM articles_article a WHERE {LIVE} AND a.kind = %s"
            f" AND a.publish_at {beyond}= %s"
            f" AND (a.publish_at {beyond} %s OR a.id {beyond} %s)"
            f" ORDER BY a.publish_at{order}, a.id{order} LIMIT 1) step{newer}"
        )
    at = _db_time(article.publish_at)
    params = [*live_params(), article.kind, at, at, article.pk]
    rows = fetch(" UNION ALL ".join(steps), params * 2, prepared=True)
    found = {
        row[0]: link
        for row, link in zip(rows, _links(r[1:] for r in rows), strict=True)
    }
    return found.get(0), found.get(1)


def newest(limits: dict[str, int]) -> dict[str, list[dict]]:
    """The newest live articles of each kind in ``limits`` (kind: how many),
    in Article's order, in one statement: a walk of article_kind_publish_idx
    per kind."""
    found = {kind: [] for kind in limits}
    if not limits:
        return found
    step = (
        f"SELECT * FROM (SELECT {LINK_COLUMNS} FROM articles_article a"
        f" WHERE {LIVE} AND a.kind = %s"
        " ORDER BY a.publish_at DESC, a.id DESC LIMIT %s) step{n}"
    )
    statement = " UNION ALL ".join(step.format(n=n) for n in range(len(limits)))
    params = [p for kind, n in limits.items() for p in (*live_params(), kind, n)]
    for link in _links(fetch(statement, params)):
        found[link["kind"]].append(link)
    for links in found.values():  # a union keeps no order of its own
        links.sort(key=lambda link: (link["publish_at"], link["pk"]), reverse=True)
    return found


def _links_of(name: str) -> tuple[str, str, list]:
    """How an article's links to companies ("company_ids") or to tags
    ("tag_ids") are read: (the table aliased "l" and the condition on its
    ids, wanting those ids' marks; the article's column; parameters before
    the ids)."""
    if name == "company_ids":
        return (
            "articles_article_companies l WHERE l.company_id IN ({})",
            "l.article_id",
            [],
        )
    return (
        "taggit_taggeditem l WHERE l.content_type_id = %s AND l.tag_id IN ({})",
        "l.object_id",
        [_article_type()],
    )


def related(*, by: str, company_ids, tag_ids, exclude, candidates, limit) -> list[dict]:
    """Up to ``limit`` live articles, without the keys in ``exclude``, from
    the ``candidates`` newest linked to any of the ``by`` ids ("company_ids"
    or "tag_ids"): those sharing the most of ``company_ids``, then of
    ``tag_ids``, newest first.

    One statement: the candidates are the newest articles the ``by`` links
    name, and each is counted by an index-only probe per relation. Reading
    the links and counting them in Python cost five times the client CPU
    (bench/article_parts.py). Not prepared: a generic plan walks the
    publish-time index until it has found the candidates, which is ten times
    slower for a company with few articles.
    """
    ids = {"company_ids": list(company_ids), "tag_ids": list(tag_ids)}
    if not ids[by]:
        return []
    where, article, params = _links_of(by)
    pool = f"SELECT {article} FROM {where.format(_marks(ids[by]))}"
    pool_params = [*params, *ids[by]]
    ranks, rank_params = [], []
    for name in ("company_ids", "tag_ids"):
        if ids[name]:
            where, article, params = _links_of(name)
            ranks.append(
                f"(SELECT COUNT(*) FROM {where.format(_marks(ids[name]))}"
                f" AND {article} = p.id) DESC"
            )
            rank_params += [*params, *ids[name]]
    not_in = f" AND a.id NOT IN ({_marks(exclude)})" if exclude else ""
    rows = fetch(
        f"SELECT {LINK_COLUMNS} FROM (SELECT a.id, a.publish_at"
        f" FROM articles_article a WHERE {LIVE}{not_in} AND a.id IN ({pool})"
        " ORDER BY a.publish_at DESC, a.id DESC LIMIT %s) p"
        " JOIN articles_article a ON a.id = p.id"
        f" ORDER BY {', '.join(ranks)}, p.publish_at DESC, p.id DESC LIMIT %s",
        [*live_params(), *exclude, *pool_params, candidates, *rank_params, limit],
    )
    return _links(rows)


# --- The home page -----------------------------------------------------------------


def most_covered(since, limit) -> list[dict]:
    """The companies with the most live articles published since ``since``:
    most first, then by name. Counted per company key before the names are
    joined, which halves what PostgreSQL does for the home page."""
    rows = fetch(
        "SELECT c.slug, c.name, s.n FROM ("
        " SELECT l.company_id, COUNT(*) AS n FROM articles_article a"
        " JOIN articles_article_companies l ON l.article_id = a.id"
        f" WHERE {LIVE} AND a.publish_at >= %s GROUP BY l.company_id"
        ") s JOIN companies_company c ON c.id = s.company_id"
        " ORDER BY s.n DESC, c.name LIMIT %s",
        [*live_params(), _db_time(since), limit],
    )
    return [{"slug": slug, "name": name, "count": n} for slug, name, n in rows]


def author_choices() -> list[tuple]:
    """(slug, name) of every author, by name: the list filter's choices."""
    return fetch("SELECT slug, name FROM articles_author ORDER BY name, id", [])
