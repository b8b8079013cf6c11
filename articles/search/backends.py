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
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from .analysis import Query, Unit

# A tsvector keeps positions up to 16,383 and 256 positions per lexeme.
PG_MAX_POSITION = 16383
PG_MAX_POSITIONS_PER_LEXEME = 256
# Positions left empty between weight classes, so a phrase never spans two.
PG_CLASS_GAP = 10


@dataclass(frozen=True)
class Document:
    """An article's analysed text, one string of space-separated terms per class."""

    article_id: int
    title: str
    meta: str
    body: str


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
        parts = []
        for unit in query.units:
            phrase = " + ".join(self._quote(term) for term in unit.terms)
            parts.append(phrase + (" *" if unit.prefix else ""))
        return " AND ".join(parts)

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

    def count(self, query: Query, queryset) -> int:
        sub, sub_params = self._filtered(queryset)
        sql = f"SELECT count(*) FROM {self.table} WHERE {self.table} MATCH %s AND {sub}"
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.match_expression(query), *sub_params])
            return cursor.fetchone()[0]

    def ranked_ids(self, query: Query, queryset, *, limit: int, offset: int):
        sub, sub_params = self._filtered(queryset)
        weights = ", ".join(str(w) for w in self.weights)
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
            cursor.execute(
                sql, [self.match_expression(query), *sub_params, limit, offset]
            )
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

    def _unit(self, unit: Unit) -> str:
        lexemes = [self._lexeme(term) for term in unit.terms]
        if unit.prefix:
            lexemes[-1] += ":*"
        return "(" + " <-> ".join(lexemes) + ")"

    def tsquery(self, query: Query) -> str:
        """The tsquery, in its input syntax: units ANDed, phrases with <->."""
        return " & ".join(self._unit(unit) for unit in query.units)

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

    def count(self, query: Query, queryset) -> int:
        sub, sub_params = _filtered_ids(queryset)
        sql = (
            "SELECT count(*) FROM articles_searchdocument"
            f" WHERE vector @@ %s::tsquery AND article_id IN ({sub})"
        )
        return self._execute(sql, [self.tsquery(query), *sub_params])[0][0]

    def ranked_ids(self, query: Query, queryset, *, limit: int, offset: int):
        sub, sub_params = _filtered_ids(queryset)
        tsquery = self.tsquery(query)
        sql = (
            "SELECT d.article_id FROM articles_searchdocument d"
            " JOIN articles_article a ON a.id = d.article_id"
            f" WHERE d.vector @@ %s::tsquery AND d.article_id IN ({sub})"
            " ORDER BY coalesce(ts_rank(d.title_vector, %s::tsquery), 0) DESC,"
            " a.publish_at DESC NULLS LAST, a.id DESC LIMIT %s OFFSET %s"
        )
        rows = self._execute(sql, [tsquery, *sub_params, tsquery, limit, offset])
        return [row[0] for row in rows]

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
