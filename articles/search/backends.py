"""The index behind one interface, per database: SQLite FTS5 or PostgreSQL.

Both receive the analyser's terms, never the reader's text: a query is built
from quoted terms only and passed as a parameter, so nothing a reader types
can change its meaning or break its syntax.

Ranking: matches in the title class (headline, English title, company names,
tickers) first, then the meta class (dek, key points, tags, authors), then the
body; newer first at equal relevance. SQLite ranks with bm25 and column
weights. PostgreSQL ranks with ts_rank over a small title-and-meta vector
only: ts_rank over the whole body vector would read (and decompress) every
matching article's largest column, which at 100,000 articles costs seconds
for a common word; body-only matches then order by date.

Bounded work: counting and ranking every match costs time in proportion to
the matches (a common word is in most articles). So ``count`` stops at a
limit (the search page shows "1,000+"), and when a query has more matches
than that, ``ranked_ids(..., bounded=True)`` ranks the newest ``CANDIDATES``
matches only (SQLite; PostgreSQL for phrase queries, where reading every
match's vector to check adjacency is the cost). Older matches, even with the
word in the headline, are then left out; the page asks for a narrower search.
"""

import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from .analysis import Query, Unit

# A tsvector keeps positions up to 16,383 and 256 positions per lexeme.
PG_MAX_POSITION = 16383
PG_MAX_POSITIONS_PER_LEXEME = 256
# Positions left empty between weight classes, so a phrase never spans two.
PG_CLASS_GAP = 10
# With more matches than this, rank only the newest this many plus the title
# and meta matches (SearchResults pages no further than its count limit).
CANDIDATES = 1000


@dataclass(frozen=True)
class Document:
    """An article's analysed text, one string of space-separated terms per class."""

    article_id: int
    title: str
    meta: str
    body: str


def _has_phrase(query: Query) -> bool:
    return any(len(unit.terms) > 1 for unit in query.units)


def _filtered_ids(queryset):
    return queryset.order_by().values("pk").query.sql_with_params()


class SQLiteBackend:
    """FTS5, external content over SearchDocument (triggers keep it in step)."""

    table = "articles_search_fts"
    weights = (10.0, 3.0, 1.0)  # title, meta, body

    def write(self, documents: list[Document]) -> None:
        """Insert or replace the documents; the triggers update FTS5."""
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO articles_searchdocument"
                " (article_id, title, meta, body, updated_at)"
                " VALUES (%s, %s, %s, %s, CURRENT_TIMESTAMP)"
                " ON CONFLICT (article_id) DO UPDATE SET title = excluded.title,"
                " meta = excluded.meta, body = excluded.body,"
                " updated_at = excluded.updated_at",
                [(d.article_id, d.title, d.meta, d.body) for d in documents],
            )

    @staticmethod
    def _quote(term: str) -> str:
        return '"' + term.replace('"', '""') + '"'

    def match_expression(self, query: Query) -> str:
        """The FTS5 query: units ANDed, each a quoted term or phrase."""
        return " AND ".join(self._unit(unit) for unit in query.units)

    def _unit(self, unit: Unit, *, adjacent=True) -> str:
        joined = (" + " if adjacent else " AND ").join(map(self._quote, unit.terms))
        return joined + (" *" if unit.prefix else "")

    def terms_expression(self, query: Query) -> str:
        """Every term of ``query``, adjacent or not: to rank known matches.

        Checking a common phrase's adjacency in every article that has its
        words is most of the cost of ranking it; the candidates are matches.
        """
        return " AND ".join(self._unit(u, adjacent=False) for u in query.units)

    def matching_ids(self, query: Query) -> tuple[str, list]:
        return (
            f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s",
            [self.match_expression(query)],
        )

    def _filtered(self, queryset):
        """SQL true when the current match is in ``queryset``.

        Correlated on the match's rowid, so each match costs one primary-key
        lookup: the full-text query drives, and a rare word stays fast however
        many articles are live. (``rowid IN (all live ids)`` would build the
        whole list for every query, and FTS5 would run the full-text query
        once per id if it took them as rowid lookups.)
        """
        correlated = queryset.order_by().filter(pk=RawSQL(f"{self.table}.rowid", []))
        sql, params = correlated.values("pk").query.sql_with_params()
        return f"EXISTS ({sql})", list(params)

    def count(self, query: Query, queryset, *, limit: int | None = None) -> int:
        """How many of ``queryset`` match, counting no further than ``limit``."""
        sub, sub_params = self._filtered(queryset)
        sql = f"SELECT 1 FROM {self.table} WHERE {self.table} MATCH %s AND {sub}"
        params = [self.match_expression(query), *sub_params]
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({sql})", params)
            return cursor.fetchone()[0]

    def _newest(self, expression: str, queryset) -> list[int]:
        """The newest CANDIDATES articles of ``queryset`` matching ``expression``.

        From the article side: the (status, publish_at) index gives the order,
        so only the first CANDIDATES matches are read. The unary + keeps
        SQLite from driving the query by the list of matching ids.
        """
        newest = (
            queryset.order_by("-publish_at", "-pk")
            .extra(
                where=[
                    f"+articles_article.id IN (SELECT rowid FROM {self.table}"
                    f" WHERE {self.table} MATCH %s)"
                ],
                params=[expression],
            )
            .values_list("pk", flat=True)[:CANDIDATES]
        )
        return list(dict.fromkeys(newest))

    def _candidates(self, query: Query, queryset) -> list[int]:
        """The newest CANDIDATES matches of ``query`` in ``queryset``.

        A phrase's adjacency is checked in every article with its words, the
        cost of a common phrase. So the newest articles with the words come
        first: when all of them hold the phrase they are the newest matches
        (every match has the words), checked within their rowid range only.
        """
        if all(len(unit.terms) == 1 for unit in query.units):
            return self._newest(self.match_expression(query), queryset)
        with_words = self._newest(self.terms_expression(query), queryset)
        if with_words:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT count(*) FROM {self.table} WHERE {self.table} MATCH %s"
                    " AND rowid BETWEEN %s AND %s"
                    " AND +rowid IN (SELECT value FROM json_each(%s))",
                    [
                        self.match_expression(query),
                        min(with_words),
                        max(with_words),
                        json.dumps(with_words),
                    ],
                )
                if cursor.fetchone()[0] == len(with_words):
                    return with_words
        return self._newest(self.match_expression(query), queryset)

    def ranked_ids(
        self, query: Query, queryset, *, limit: int, offset: int, bounded=False
    ):
        """Ranked ids; with ``bounded``, of the candidate set only (see above)."""
        weights = ", ".join(str(w) for w in self.weights)
        if bounded:
            # The range lets FTS5 skip to the candidates (newest articles are
            # mostly neighbours in id); the list then picks them out.
            candidates = self._candidates(query, queryset) or [0]
            sub = (
                f"{self.table}.rowid BETWEEN %s AND %s"
                f" AND +{self.table}.rowid IN (SELECT value FROM json_each(%s))"
            )
            sub_params = [min(candidates), max(candidates), json.dumps(candidates)]
            expression = self.terms_expression(query)
        else:
            sub, sub_params = self._filtered(queryset)
            expression = self.match_expression(query)
        sql = (
            # CROSS JOIN keeps the full-text query outermost, run once.
            f"SELECT {self.table}.rowid FROM {self.table}"
            f" CROSS JOIN articles_article"
            f" ON articles_article.id = {self.table}.rowid"
            f" WHERE {self.table} MATCH %s AND {sub}"
            f" ORDER BY bm25({self.table}, {weights}),"
            " articles_article.publish_at DESC, articles_article.id DESC"
            " LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression, *sub_params, limit, offset])
            return [row[0] for row in cursor.fetchall()]

    def rebuild(self) -> None:
        """Rebuild FTS5 from SearchDocument; refuse if the triggers were lost."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                " AND name LIKE 'articles_search_fts_a_'"
            )
            if cursor.fetchone()[0] != 3:
                raise RuntimeError(
                    "The search index triggers are missing: see migration 0005."
                )
            cursor.execute(f"INSERT INTO {self.table}({self.table}) VALUES ('rebuild')")

    def size(self) -> int:
        """Bytes used by the FTS5 index and SearchDocument (dbstat)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE %s"
                " OR name LIKE %s OR name = 'articles_searchdocument'",
                [f"{self.table}%", "sqlite_autoindex_articles_searchdocument%"],
            )
            return cursor.fetchone()[0]


def _tsvector_literal(classes: list[tuple[str, str]]) -> str:
    """A tsvector in PostgreSQL's input syntax, from (terms, weight) classes.

    Positions follow the analyser's order; classes are kept apart by a gap.
    """
    positions: dict[str, list[str]] = {}
    position = 0
    for terms, weight in classes:
        for term in terms.split():
            position += 1
            places = positions.setdefault(term, [])
            if len(places) < PG_MAX_POSITIONS_PER_LEXEME:
                places.append(f"{min(position, PG_MAX_POSITION)}{weight}")
        position += PG_CLASS_GAP
    return " ".join(
        "'{}':{}".format(term.replace("\\", "\\\\").replace("'", "''"), ",".join(p))
        for term, p in positions.items()
    )


class PostgreSQLBackend:
    """tsvector columns on SearchDocument, written from the analyser's terms."""

    def write(self, documents: list[Document]) -> None:
        rows = []
        for d in documents:
            vector = _tsvector_literal([(d.title, "A"), (d.meta, "B"), (d.body, "D")])
            title_vector = _tsvector_literal([(d.title, "A"), (d.meta, "B")])
            rows.append((d.article_id, d.title, d.meta, d.body, vector, title_vector))
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO articles_searchdocument"
                " (article_id, title, meta, body, updated_at, vector, title_vector)"
                " VALUES (%s, %s, %s, %s, now(), %s::tsvector, %s::tsvector)"
                " ON CONFLICT (article_id) DO UPDATE SET title = excluded.title,"
                " meta = excluded.meta, body = excluded.body,"
                " updated_at = excluded.updated_at, vector = excluded.vector,"
                " title_vector = excluded.title_vector",
                rows,
            )

    @staticmethod
    def _lexeme(term: str) -> str:
        return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"

    def _unit(self, unit: Unit, *, adjacent=True) -> str:
        lexemes = [self._lexeme(term) for term in unit.terms]
        if unit.prefix:
            lexemes[-1] += ":*"
        return "(" + (" <-> " if adjacent else " & ").join(lexemes) + ")"

    def tsquery(self, query: Query, *, adjacent=True) -> str:
        """The tsquery, in its input syntax: units ANDed, phrases with <->.

        Without ``adjacent``, a phrase's terms are ANDed: the GIN index
        answers that without reading the vectors.
        """
        return " & ".join(self._unit(u, adjacent=adjacent) for u in query.units)

    def matching_ids(self, query: Query) -> tuple[str, list]:
        return (
            "SELECT article_id FROM articles_searchdocument"
            " WHERE vector @@ %s::tsquery",
            [self.tsquery(query)],
        )

    @staticmethod
    def _execute(sql, params):
        # For a common word the planner picks a sequential scan, not counting
        # that every row's vector must be read from TOAST and decompressed:
        # ten times slower than the GIN index (bench/search.py).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(sql, params)
            return cursor.fetchall()

    def count(self, query: Query, queryset, *, limit: int | None = None) -> int:
        """How many of ``queryset`` match, counting no further than ``limit``.

        A phrase found in more than ``limit`` articles with its words is
        counted by the newest-first pass that also picks the candidates to
        rank (``_newest``): its adjacency check reads whole vectors, once.
        """
        if limit is not None and _has_phrase(query):
            words = self.tsquery(query, adjacent=False)
            if self._count(words, queryset, limit) >= limit:
                newest = self._newest(query, queryset, max(limit, CANDIDATES))
                return min(len(newest), limit)
        return self._count(self.tsquery(query), queryset, limit)

    def _count(self, tsquery: str, queryset, limit: int | None) -> int:
        sub, sub_params = _filtered_ids(queryset)
        sql = (
            # OFFSET 0 keeps the GIN index in use: with a LIMIT the planner
            # would rather walk the primary key, reading every vector.
            "SELECT 1 FROM (SELECT article_id FROM articles_searchdocument"
            " WHERE vector @@ %s::tsquery OFFSET 0) d"
            f" WHERE article_id IN ({sub})"
        )
        params = [tsquery, *sub_params]
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
        return self._execute(f"SELECT count(*) FROM ({sql}) m", params)[0][0]

    def _newest(self, query: Query, queryset, number: int) -> list[int]:
        """The newest ``number`` matches of a phrase query, remembered.

        The GIN index answers the query with phrases as ANDs exactly, without
        reading the vectors; adjacency is then checked on those newest first,
        only until there are enough (OFFSET 0 keeps the check above the sort).
        """
        sub, sub_params = _filtered_ids(queryset)
        key = (self.tsquery(query), sub, repr(sub_params))
        cached = getattr(self, "_newest_cache", {}).get(key)
        if cached is not None and cached[0] >= number:
            return cached[1][:number]
        sql = (
            "SELECT s.id FROM (SELECT a.id FROM articles_article a"
            # The matches' ids as an array: looked up by primary key, rather
            # than a hash of every article.
            " WHERE a.id = ANY(ARRAY(SELECT article_id"
            " FROM articles_searchdocument WHERE vector @@ %s::tsquery))"
            f" AND a.id IN ({sub})"
            " ORDER BY a.publish_at DESC NULLS LAST, a.id DESC OFFSET 0) s"
            " WHERE (SELECT p.vector @@ %s::tsquery FROM articles_searchdocument p"
            " WHERE p.article_id = s.id) LIMIT %s"
        )
        params = [
            self.tsquery(query, adjacent=False),
            *sub_params,
            self.tsquery(query),
            number,
        ]
        ids = [row[0] for row in self._execute(sql, params)]
        self._newest_cache = {key: (number, ids)}
        return ids

    def ranked_ids(
        self, query: Query, queryset, *, limit: int, offset: int, bounded=False
    ):
        """Ranked ids; with ``bounded`` and a phrase, of the newest CANDIDATES.

        Without a phrase every match is ranked even when there are many:
        ts_rank over the small title vectors costs less than finding the
        newest matches (bench/search.py). A phrase's adjacency needs each
        match's whole vector read, so there the bound pays.
        """
        tsquery = self.tsquery(query)
        if bounded and _has_phrase(query):
            sql = (
                "SELECT d.article_id FROM articles_searchdocument d"
                " JOIN articles_article a ON a.id = d.article_id"
                " WHERE d.article_id = ANY(%s)"
                " ORDER BY coalesce(ts_rank(d.title_vector, %s::tsquery), 0) DESC,"
                " a.publish_at DESC NULLS LAST, a.id DESC LIMIT %s OFFSET %s"
            )
            candidates = self._newest(query, queryset, CANDIDATES)
            params = [candidates, tsquery, limit, offset]
        else:
            sub, sub_params = _filtered_ids(queryset)
            sql = (
                "SELECT d.article_id FROM articles_searchdocument d"
                " JOIN articles_article a ON a.id = d.article_id"
                f" WHERE d.vector @@ %s::tsquery AND d.article_id IN ({sub})"
                " ORDER BY coalesce(ts_rank(d.title_vector, %s::tsquery), 0) DESC,"
                " a.publish_at DESC NULLS LAST, a.id DESC LIMIT %s OFFSET %s"
            )
            params = [tsquery, *sub_params, tsquery, limit, offset]
        return [row[0] for row in self._execute(sql, params)]

    def rebuild(self) -> None:
        """Nothing to do: the vectors are written with the documents."""

    def size(self) -> int:
        """Bytes used by SearchDocument (with TOAST) and its indexes."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size('articles_searchdocument')")
            return cursor.fetchone()[0]


def get_backend():
    """The backend for the default database."""
    vendor = connection.vendor
    if vendor == "sqlite":
        return SQLiteBackend()
    if vendor == "postgresql":
        return PostgreSQLBackend()
    raise NotImplementedError(f"No search backend for {vendor}.")
