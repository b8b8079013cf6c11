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
page (docs/performance.md). There the article page's reads, its related
articles by company among them, are one statement (live_article_with_parts).

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

from companies.matching import COMPANIES_VERSION, companies_version
from newsroom import sql

# The columns an article's card shows (article_card): lists, related articles
# and previous/next read no others.
CARD_FIELDS = ("kind", "slug", "headline", "dek", "publish_at")


def _live(alias: str) -> str:
    """Article.objects.live(), for a table aliased ``alias``: keep the two the
    same. Its parameters: live_params()."""
    return f"{alias}.status = %s AND {alias}.publish_at <= %s"


LIVE = _live("a")


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
    row = _live_row(connection, pk)
    return None if row is None else sql.instance(_article_model(), connection, row)


def _live_row(connection, pk: int, more: str = "", more_params=()) -> tuple | None:
    """The live article ``pk``'s columns in field order, then the columns
    ``more`` adds (their parameters ``more_params``), or None."""
    columns = sql.columns(_article_model(), connection.alias, "a")
    found = fetch(
        f"SELECT {columns}{more} FROM articles_article a WHERE a.id = %s AND {LIVE}",
        [*more_params, pk, *live_params()],
        prepared=True,
    )
    return found[0] if found else None


class _Rows:
    """A read of rows linked to articles: its columns, tables, the article's
    key column (and a condition of its own), its order. Each is written
    once and read two ways: for a list of articles (``select``), and on
    PostgreSQL as one JSON column of the article page's row (``json``)."""

    def __init__(self, columns, tables, key, order, condition=""):
        self.columns, self.tables, self.key = columns, tables, key
        self.order, self.condition = order, condition

    def select(self, article_ids) -> str:
        return (
            f"SELECT {self.columns} FROM {self.tables} WHERE {self.condition}"
            f"{self.key} IN ({_marks(article_ids)}) ORDER BY {self.order}"
        )

    def json(self) -> str:
        return (
            f"(SELECT json_agg(json_build_array({self.columns})"
            f" ORDER BY {self.order}) FROM {self.tables}"
            f" WHERE {self.condition}{self.key} = a.id)"
        )


_BYLINES = _Rows(
    "ab.article_id, au.id, au.name, au.slug",
    "articles_articleauthor ab JOIN articles_author au ON au.id = ab.author_id",
    "ab.article_id",
    "ab.position, ab.id",
)
_COMPANY_LINKS = _Rows(
    "ac.article_id, c.id, c.name, c.name_en, c.slug, c.updated_at,"
    " t.symbol, t.exchange",
    "articles_article_companies ac JOIN companies_company c ON c.id = ac.company_id"
    " LEFT JOIN companies_ticker t ON t.company_id = c.id",
    "ac.article_id",
    "c.name, c.id, t.exchange, t.symbol",
)
_TAGS = _Rows(
    "tg.id, tg.name, tg.slug",
    "taggit_taggeditem ti JOIN taggit_tag tg ON tg.id = ti.tag_id",
    "ti.object_id",
    "ti.id",
    condition="ti.content_type_id = %s AND ",
)
_CORRECTIONS = _Rows(
    'id, article_id, corrected_at, wrong, "right", created_by_id',
    "articles_correction",
    "article_id",
    "corrected_at, id",
)
CORRECTION_FIELDS = (
    "pk", "article_id", "corrected_at", "wrong", "right", "created_by_id",
)  # fmt: skip


def _company_links(rows) -> list[tuple]:
    return [(*row[:5], when(row[5]), *row[6:]) for row in rows]


def _corrections(rows) -> list[dict]:
    return [
        dict(zip(CORRECTION_FIELDS, (*row[:2], when(row[2]), *row[3:]), strict=True))
        for row in rows
    ]


def bylines(article_ids) -> list[tuple]:
    """(article id, author id, name, slug), in byline order."""
    if not article_ids:
        return []
    return fetch(_BYLINES.select(article_ids), list(article_ids), prepared=True)


def company_links(article_ids) -> list[tuple]:
    """(article id, company id, name, name_en, slug, updated_at, symbol,
    exchange): one row per ticker of each company linked to the articles
    (one row of NULLs for a company with none), by company name."""
    if not article_ids:
        return []
    statement = _COMPANY_LINKS.select(article_ids)
    return _company_links(fetch(statement, list(article_ids), prepared=True))


def tags(article_id) -> list[tuple]:
    """(tag id, name, slug) in the order typed."""
    statement = _TAGS.select([article_id])
    return fetch(statement, [_article_type(), article_id], prepared=True)


def corrections(article_id) -> list[dict]:
    """The article's corrections, oldest first, as Correction's fields."""
    statement = _CORRECTIONS.select([article_id])
    return _corrections(fetch(statement, [article_id], prepared=True))


def article_parts(article_id) -> dict[str, list]:
    """What the article page shows around the row: {"bylines", "company_links",
    "tags", "corrections"}, as the functions of those names give them."""
    return {
        "bylines": bylines([article_id]),
        "company_links": company_links([article_id]),
        "tags": tags(article_id),
        "corrections": corrections(article_id),
    }


def live_article_with_parts(
    pk: int, *, related_candidates: int, related_limit: int
) -> tuple | None:
    """(``live_article(pk)``, what the article page reads around it), or None:
    ``article_parts(pk)``'s lists, "neighbours" (``neighbours(article)``),
    "companies_version" (``companies_version()``, which the company links'
    matcher is checked against) and "related": ``related()``'s company step
    for the article's companies and tags (``related_candidates``,
    ``related_limit``).

    On PostgreSQL in one statement, the lists as JSON arrays beside the row.
    Each read is a round trip that costs the app about 0.25 ms of CPU
    whatever it reads, and the related read, on its own, was planned at
    each call (its plan depends on the companies' ids); here the companies
    are the row's own links, and the generic plan starts from them as the
    custom one did. With the related read apart the article page took
    14.6 M instructions and 1.31 ms of PostgreSQL's CPU; as now, 14.1 M and
    0.91 ms (bench/instructions.py, bench/cpu.py).
    """
    connection = _connection()
    if connection.vendor != "postgresql":
        article = live_article(pk)
        if article is None:
            return None
        parts = article_parts(pk)
        return article, {
            **parts,
            "neighbours": neighbours(article),
            "companies_version": companies_version(),
            "related": related(
                by="company_ids",
                company_ids=list(dict.fromkeys(r[1] for r in parts["company_links"])),
                tag_ids=[tag[0] for tag in parts["tags"]],
                exclude=[pk],
                candidates=related_candidates,
                limit=related_limit,
            ),
        }
    parts = (_BYLINES, _COMPANY_LINKS, _TAGS, _CORRECTIONS)
    steps = _neighbour_steps("a.kind", "a.publish_at", "a.id")
    card = ", ".join(f"p.{name}" for name in ("id", *CARD_FIELDS))
    found = _live_row(
        connection,
        pk,
        "".join(f", {part.json()}" for part in parts)
        + ", (SELECT json_agg(json_build_array(s.newer, s.id, "
        + ", ".join(f"s.{name}" for name in CARD_FIELDS)
        + f")) FROM ({steps}) s)"
        + f", (SELECT json_agg(json_build_array({card}) ORDER BY {_RANKED}) FROM"
        + f" ({_RELATED_BY_COMPANY}) p)"
        + f", {COMPANIES_VERSION}",
        [
            _article_type(),  # _TAGS's condition
            *live_params() * 2,  # the neighbours' steps
            *[_article_type()] * 2,  # the related read's
            *live_params(),
            related_candidates,
            related_limit,
        ],
    )
    if found is None:
        return None
    row, version = found[:-8], found[-2:]
    byline_rows, link_rows, tag_rows, correction_rows, steps, ranked = found[-8:-2]
    # JSON has no tuples, and json_agg of no rows is NULL.
    return sql.instance(_article_model(), connection, row), {
        "bylines": [tuple(r) for r in byline_rows or ()],
        "company_links": _company_links(link_rows or ()),
        "tags": [tuple(r) for r in tag_rows or ()],
        "corrections": _corrections(correction_rows or ()),
        "neighbours": _neighbours(steps or ()),
        "companies_version": tuple(version),
        "related": _links(ranked or ()),
    }


# --- Around the article: previous, next and related -------------------------------

# What a neighbour's and a related article's link shows: a card's columns.
LINK_FIELDS = ("pk", *CARD_FIELDS)


def _link_columns(alias: str) -> str:
    return ", ".join([f"{alias}.id", *(f"{alias}.{name}" for name in CARD_FIELDS)])


LINK_COLUMNS = _link_columns("a")


def _links(rows) -> list[dict]:
    links = [dict(zip(LINK_FIELDS, row, strict=True)) for row in rows]
    for link in links:
        link["publish_at"] = when(link["publish_at"])
    return links


def _neighbour_steps(kind: str, at: str, pk: str) -> str:
    """The next older and the next newer live article of kind ``kind`` around
    (publish time ``at``, key ``pk``), each a row of (0 or 1, its link's
    columns): one step each way along article_kind_publish_idx. The three
    are SQL: placeholders, or the article page's own row's columns. The
    table is aliased "n", the live condition's parameters come first."""
    steps = []
    for newer, beyond, order in ((0, "<", " DESC"), (1, ">", "")):
        steps.append(
            f"SELECT * FROM (SELECT {newer} AS newer, {_link_columns('n')}"
            f" FROM articles_article n WHERE {_live('n')} AND n.kind = {kind}"
            f" AND n.publish_at {beyond}= {at}"
            f" AND (n.publish_at {beyond} {at} OR n.id {beyond} {pk})"
            f" ORDER BY n.publish_at{order}, n.id{order} LIMIT 1) step{newer}"
        )
    return " UNION ALL ".join(steps)


def neighbours(article) -> tuple[dict | None, dict | None]:
    """The next older and the next newer live article of the same kind, by
    publish time then key, in one statement."""
    at = _db_time(article.publish_at)
    params = [*live_params(), article.kind, at, at, article.pk]
    statement = _neighbour_steps("%s", "%s", "%s")
    return _neighbours(fetch(statement, params * 2, prepared=True))


def _neighbours(rows) -> tuple[dict | None, dict | None]:
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


def _links_of(name: str, ids) -> tuple[str, str, str, list]:
    """How an article's links to ``ids`` of companies ("company_ids") or of
    tags ("tag_ids") are read, the table aliased "l": (table, condition on
    the ids, the article's column, the condition's parameters)."""
    if name == "company_ids":
        return (
            "articles_article_companies",
            f"l.company_id IN ({_marks(ids)})",
            "l.article_id",
            list(ids),
        )
    return (
        "taggit_taggeditem",
        f"l.content_type_id = %s AND l.tag_id IN ({_marks(ids)})",
        "l.object_id",
        [_article_type(), *ids],
    )


# related()'s company step for the article page's own row (aliased "a"), as
# live_article_with_parts reads it: the candidates (the newest live articles
# linked to one of its companies) with their shared companies and tags, best
# first. Its parameters: the article content type twice, live_params(), the
# number of candidates and the limit.
_RELATED_BY_COMPANY = (
    "SELECT q.*, (SELECT COUNT(*) FROM taggit_taggeditem t"
    " WHERE t.content_type_id = %s AND t.object_id = q.id AND t.tag_id IN ("
    " SELECT u.tag_id FROM taggit_taggeditem u"
    " WHERE u.content_type_id = %s AND u.object_id = a.id)) AS tags"
    f" FROM (SELECT {_link_columns('x')}, COUNT(*) AS shared FROM articles_article x"
    " JOIN articles_article_companies l ON l.article_id = x.id"
    " WHERE l.company_id IN (SELECT m.company_id FROM articles_article_companies m"
    f" WHERE m.article_id = a.id) AND {_live('x')} AND x.id <> a.id GROUP BY x.id"
    " ORDER BY x.publish_at DESC, x.id DESC LIMIT %s) q"
    " ORDER BY q.shared DESC, tags DESC, q.publish_at DESC, q.id DESC LIMIT %s"
)
_RANKED = "p.shared DESC, p.tags DESC, p.publish_at DESC, p.id DESC"


def related(*, by: str, company_ids, tag_ids, exclude, candidates, limit) -> list[dict]:
    """Up to ``limit`` live articles, without the keys in ``exclude``, from
    the ``candidates`` newest linked to any of the ``by`` ids ("company_ids"
    or "tag_ids"): those sharing the most of ``company_ids``, then of
    ``tag_ids``, newest first.

    One statement. Each relation's candidates are read the way its links
    are spread. A company is on a few articles: its links are read whole
    (an index-only scan of article_companies_by_company_idx), joined to
    their articles and counted, and the newest taken. A tag may be on half
    the archive (港股): the articles are walked newest first and each kept
    if it has a link to one of the tags (EXISTS), so PostgreSQL stops at
    the ``candidates``-th, or, for a rare tag, reads its links first; its
    shared links are then counted for the candidates only. For the bench's
    two most linked tags (on 15,583 articles) that is 0.35 ms of execution
    where a join and a group took 24 ms; for a company the join is the
    cheaper of the two (bench/related.py). The other relation's count is an
    index-only probe per candidate. Not prepared: the tag step's best plan
    depends on how often the tags are linked, which a generic plan cannot
    know. The article page reads the company step beside its row
    (_RELATED_BY_COMPANY, prepared): every link of the companies is read
    whatever the plan, and the generic one starts from the row's own links.
    """
    ids = {"company_ids": list(company_ids), "tag_ids": list(tag_ids)}
    if not ids[by]:
        return []
    not_in = f" AND a.id NOT IN ({_marks(exclude)})" if exclude else ""
    table, condition, article, params = _links_of(by, ids[by])
    if by == "company_ids":
        pool = (
            f"SELECT {LINK_COLUMNS}, COUNT(*) AS shared FROM articles_article a"
            f" JOIN {table} l ON {article} = a.id AND {condition}"
            f" WHERE {LIVE}{not_in} GROUP BY a.id"
        )
        pool_params = [*params, *live_params(), *exclude]
    else:
        linked = f"FROM {table} l WHERE {condition} AND {article} = a.id"
        pool = (
            f"SELECT {LINK_COLUMNS}, (SELECT COUNT(*) {linked}) AS shared"
            f" FROM articles_article a WHERE {LIVE}{not_in}"
            f" AND EXISTS (SELECT 1 {linked})"
        )
        pool_params = [*params, *live_params(), *exclude, *params]
    pool += " ORDER BY a.publish_at DESC, a.id DESC LIMIT %s"
    pool_params.append(candidates)
    ranks = {by: "p.shared DESC"}
    rank_params = []
    other = "tag_ids" if by == "company_ids" else "company_ids"
    if ids[other]:
        table, condition, article, params = _links_of(other, ids[other])
        ranks[other] = (
            f"(SELECT COUNT(*) FROM {table} l WHERE {condition}"
            f" AND {article} = p.id) DESC"
        )
        rank_params = params
    order = [ranks[name] for name in ("company_ids", "tag_ids") if name in ranks]
    columns = ", ".join(f"p.{name}" for name in ("id", *CARD_FIELDS))
    rows = fetch(
        f"SELECT {columns} FROM ({pool}) p"
        f" ORDER BY {', '.join(order)}, p.publish_at DESC, p.id DESC LIMIT %s",
        [*pool_params, *rank_params, limit],
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
