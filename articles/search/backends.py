"""The index behind one interface, per database: SQLite FTS5 or PostgreSQL.

Both receive the analyser's terms, never the reader's text: a query is built
from quoted terms only and passed as a parameter, so nothing a reader types
can change its meaning or break its syntax.

Ranking: matches in the title class (headline, English title, company names,
tickers) first, then the meta class (dek, key points, tags, authors), then the
body; newer first at equal relevance. With up to CANDIDATES matches, every
match is ranked: SQLite with bm25 and column weights, PostgreSQL with ts_rank
over a small title-and-meta vector (over the body vector it would read every
match's largest column), body-only matches by date.

Bounded work: counting and ranking every match costs time in proportion to
the matches, and a common word is in half the articles. So ``count`` stops at
a limit (the search page shows "1,000+"), and a query with more matches than
that has only its newest CANDIDATES matches ranked
(``ranked_ids(..., bounded=True)``), by class (CLASS_WEIGHTS), the same way
on both databases. Older matches, even with the word in the headline, are
then left out; the page asks for a narrower search.

The newest matches of a common query are cheap to find because there are
many: the newest articles are read a window at a time (``_Backend._newest``)
and the index says which of them match. The same pass caps the count.
"""

import itertools
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from .analysis import Query, Unit

# A tsvector keeps positions up to 16,383 and 256 positions per lexeme.
PG_MAX_POSITION = 16383
PG_MAX_POSITIONS_PER_LEXEME = 256
# Positions left empty between weight classes, so a phrase never spans two.
PG_CLASS_GAP = 10
# With more matches than this, rank only the newest this many (SearchResults
# pages no further than its count limit).
CANDIDATES = 1000
# Read at most this many times the matches wanted, newest articles first,
# before asking the index for every match instead (the matches are then few).
WINDOW_LIMIT = 8
# PostgreSQL checks a phrase in this many of the newest articles at a time.
PG_PHRASE_BATCH = 500
# Where a query's unit is found, for ranking the newest matches of a common
# query: each unit scores by the best class holding it, and at equal scores
# the newer article comes first. bm25 and ts_rank also count every occurrence,
# which means reading every match of every term (bm25's document frequencies:
# 35 ms for a five-bigram phrase at 100,000 articles) or every candidate's
# whole body vector (ts_rank): too slow for 1,000 candidates.
CLASS_WEIGHTS = {"title": 10, "meta": 3, "body": 1}


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


class _Backend:
    """Counting and ranking with bounded work, over each database's index.

    A backend lives for one search (``SearchResults``): the newest matches
    found while counting are remembered for ranking.
    """

    def __init__(self):
        self._remembered: dict = {}
        self._windows: dict = {}

    def write(self, documents: list[Document]) -> None:
        """Insert or replace the documents."""
        self.write_rows(self.rows(documents))

    # Whether counting goes on with ``_newest`` when the first window does
    # not settle the count: cheap where the index finds every match of a rare
    # query newest first (PostgreSQL), not where that means reading every
    # article newest first (SQLite, where FTS5 counts instead).
    newest_counts = False

    def count(self, query: Query, queryset, *, limit: int | None = None) -> int:
        """How many of ``queryset`` match, counting no further than ``limit``.

        Through ``_newest``, which ranking a common query needs anyway: its
        first window caps a common query's count.
        """
        if limit is not None:
            first_window = not self.newest_counts
            newest = self._newest(query, queryset, limit, first_window=first_window)
            if newest is not None:
                return len(newest)
        return self._count(query, queryset, limit)

    def ranked_ids(
        self, query: Query, queryset, *, limit: int, offset: int, bounded=False
    ) -> list[int]:
        """Ranked ids: every match by the database's ranking, or with
        ``bounded``, the newest CANDIDATES matches by CLASS_WEIGHTS."""
        if not bounded:
            _ordered, key = self._key(query, queryset)
            remembered = self._remembered.get(key)
            return self._ranked(
                query,
                queryset,
                limit=limit,
                offset=offset,
                # Every match, when counting found them all.
                known=remembered[1] if remembered and remembered[2] else None,
            )
        newest = self._newest(query, queryset, CANDIDATES)
        scores = self._class_scores(query, newest) if newest else {}
        # A stable sort: newest first at equal scores.
        ranked = sorted(newest, key=lambda article_id: -scores.get(article_id, 0))
        return ranked[offset : offset + limit]

    @staticmethod
    def _key(query: Query, queryset):
        """The ids of ``queryset`` newest first, and a key for what is
        remembered about ``query`` in it."""
        ordered = _newest_first(queryset).values_list("pk", flat=True)
        return ordered, (query, repr(ordered.query.sql_with_params()))

    def _newest(self, query: Query, queryset, number: int, *, first_window=False):
        """The newest ``number`` matches in ``queryset``, newest first.

        A query common enough to need this is in a good share of the
        articles, so its newest matches are among the newest articles: those
        come in order from the (status, publish_at) index, a window at a
        time, and the index says which of them match (``_matching_among``).
        Exact: every article of a window is checked, newest first, until
        there are enough. The next window is sized from the share of matches
        in the last; past WINDOW_LIMIT times CANDIDATES, every match is found
        at once (``_newest_of_all``): then they are few.

        With ``first_window``: None unless the first window settles it (holds
        ``number`` matches, or every article of ``queryset``).
        """
        ordered, key = self._key(query, queryset)
        remembered = self._remembered.get(key)
        if remembered is not None and (remembered[0] >= number or remembered[2]):
            return remembered[1][:number]
        window = 2 * CANDIDATES
        while window <= WINDOW_LIMIT * CANDIDATES:
            found, checked, complete = self._window(query, ordered, key, window, number)
            if len(found) >= number or complete:
                break
            if first_window:
                return None
            # Enough articles for ``number`` matches at the share seen so far.
            estimate = int(1.5 * number * checked / max(len(found), 1))
            window = max(estimate, window + 1)
        else:
            found = self._newest_of_all(query, queryset, number)
        # (how many were asked for, the newest matches, whether that is all)
        self._remembered[key] = (number, found[:number], len(found) < number)
        return found[:number]

    def _window(self, query, ordered, key, window: int, number: int):
        """The matches among the newest ``window`` articles, newest first; how
        many articles were checked; whether they are all of the queryset.

        Remembered: counting and ranking start with the same window.
        """
        if (key, window) not in self._windows:
            read = list(ordered[:window])
            newest = list(dict.fromkeys(read))  # a filter's join can repeat one
            matching, checked = (
                self._matching_among(query, newest, number) if newest else (set(), 0)
            )
            found = [pk for pk in newest[:checked] if pk in matching]
            complete = len(read) < window and checked == len(newest)
            self._windows[(key, window)] = (found, checked, complete)
        return self._windows[(key, window)]


def _newest_first(queryset):
    # Plain descending order, as the (status, publish_at) index reads
    # backwards (NULLS LAST would sort every article); a search's queryset
    # holds live articles, which all have a date.
    return queryset.order_by("-publish_at", "-pk")


class SQLiteBackend(_Backend):
    """FTS5, external content over SearchDocument (triggers keep it in step)."""

    table = "articles_search_fts"
    weights = (10.0, 3.0, 1.0)  # title, meta, body

    def rows(self, documents: list[Document]) -> list[tuple]:
        """What ``write_rows`` writes for ``documents``, the article id first.

        No database needed: a process that only analyses (articles/fake's
        workers) can make them.
        """
        return [(d.article_id, d.title, d.meta, d.body) for d in documents]

    def write_rows(self, rows: list[tuple]) -> None:
        """Insert or replace these rows; the triggers update FTS5."""
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO articles_searchdocument"
                " (article_id, title, meta, body, updated_at)"
                " VALUES (%s, %s, %s, %s, CURRENT_TIMESTAMP)"
                " ON CONFLICT (article_id) DO UPDATE SET title = excluded.title,"
                " meta = excluded.meta, body = excluded.body,"
                " updated_at = excluded.updated_at",
                rows,
            )

    @staticmethod
    def _quote(term: str) -> str:
        return '"' + term.replace('"', '""') + '"'

    def match_expression(self, query: Query) -> str:
        """The FTS5 query: units ANDed, each a quoted term or phrase."""
        return " AND ".join(self._unit(unit) for unit in query.units)

    def _unit(self, unit: Unit) -> str:
        return " + ".join(map(self._quote, unit.terms)) + (" *" if unit.prefix else "")

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

    def _count(self, query: Query, queryset, limit: int | None) -> int:
        sub, sub_params = self._filtered(queryset)
        sql = f"SELECT 1 FROM {self.table} WHERE {self.table} MATCH %s AND {sub}"
        params = [self.match_expression(query), *sub_params]
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({sql})", params)
            return cursor.fetchone()[0]

    def _in_range(self, expression: str, ids: list[int]) -> set[int]:
        """The rowids matching ``expression`` between the least and greatest of
        ``ids``: FTS5 seeks to the range, so a phrase's adjacency too is
        checked there only."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s"
                " AND rowid BETWEEN %s AND %s",
                [expression, min(ids), max(ids)],
            )
            return {row[0] for row in cursor.fetchall()}

    def _matching_among(self, query: Query, ids: list[int], number: int):
        # The newest articles are mostly neighbours in id; when they are not,
        # the range is wider and the answer longer, but still right.
        return self._in_range(self.match_expression(query), ids), len(ids)

    def _newest_of_all(self, query: Query, queryset, number: int) -> list[int]:
        newest = (
            _newest_first(queryset)
            .extra(
                # The unary + keeps SQLite from driving the query by the list
                # of matching ids: the index order lets it stop early.
                where=[
                    f"+articles_article.id IN (SELECT rowid FROM {self.table}"
                    f" WHERE {self.table} MATCH %s)"
                ],
                params=[self.match_expression(query)],
            )
            .values_list("pk", flat=True)[:number]
        )
        return list(dict.fromkeys(newest))

    def _class_scores(self, query: Query, ids: list[int]) -> dict[int, int]:
        """Scores by CLASS_WEIGHTS, from FTS5 column filters over the ids'
        range (two small queries per unit)."""
        scores = dict.fromkeys(ids, 0)
        for unit in query.units:
            best = dict.fromkeys(ids, CLASS_WEIGHTS["body"])
            for column in ("meta", "title"):  # the title's weight wins
                expression = f"{{{column}}}: ({self._unit(unit)})"
                for rowid in self._in_range(expression, ids):
                    if rowid in best:
                        best[rowid] = CLASS_WEIGHTS[column]
            for article_id, weight in best.items():
                scores[article_id] += weight
        return scores

    def _ranked(self, query: Query, queryset, *, limit: int, offset: int, known):
        """Every match ranked by bm25 (the matches are few)."""
        weights = ", ".join(str(w) for w in self.weights)
        sub, sub_params = self._filtered(queryset)
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


# Positions as tsvector input writes them, per weight class (D is the default
# and needs no letter), looked up rather than formatted for every term.
_POSITIONS = {
    weight: [
        f"{min(p, PG_MAX_POSITION)}{weight.replace('D', '')}"
        for p in range(PG_MAX_POSITION + 1)
    ]
    for weight in "ABD"
}


def _tsvector_literals(classes: list[tuple[str, str]], *, prefix: int) -> list[str]:
    """Tsvectors in PostgreSQL's input syntax, from (terms, weight) classes:
    one of the first ``prefix`` classes, and one of all of them.

    Positions follow the analyser's order; classes are kept apart by a gap.
    Most of an index build is this loop, hence the lookups and one pass for
    both vectors.
    """
    positions: dict[str, list[str]] = defaultdict(list)
    literals = []
    start = 1
    for number, (terms, weight) in enumerate(classes):
        if number == prefix:
            literals.append(_format_tsvector(positions))
        table, split = _POSITIONS[weight], terms.split()
        # Past the last position every term takes the last one (PostgreSQL
        # keeps positions up to PG_MAX_POSITION).
        places = itertools.chain(
            table[start : start + len(split)], itertools.repeat(table[-1])
        )
        for term, place in zip(split, places, strict=False):
            positions[term].append(place)
        start += len(split) + PG_CLASS_GAP
    literals.append(_format_tsvector(positions))
    return literals


def _format_tsvector(positions: dict[str, list[str]]) -> str:
    def lexeme(term):
        # The analyser's terms hold no quote or backslash; quoted all the same.
        return term.replace("\\", "\\\\").replace("'", "''")

    return " ".join(
        [
            f"'{lexeme(term)}':{','.join(places[:PG_MAX_POSITIONS_PER_LEXEME])}"
            for term, places in positions.items()
        ]
    )


class PostgreSQLBackend(_Backend):
    """tsvector columns on SearchDocument, written from the analyser's terms."""

    newest_counts = True

    def rows(self, documents: list[Document]) -> list[tuple]:
        """What ``write_rows`` writes for ``documents``, the article id first:
        the terms and both vectors in tsvector input syntax. No database needed.
        """
        rows = []
        for d in documents:
            title_vector, vector = _tsvector_literals(
                [(d.title, "A"), (d.meta, "B"), (d.body, "D")], prefix=2
            )
            rows.append((d.article_id, d.title, d.meta, d.body, vector, title_vector))
        return rows

    def write_rows(self, rows: list[tuple]) -> None:
        """Insert or replace these rows."""
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

    def _unit(self, unit: Unit, *, adjacent=True, weight="") -> str:
        """A unit in tsquery syntax; with ``weight``, found in that class only."""
        labels = [weight] * len(unit.terms)
        if unit.prefix:
            labels[-1] = "*" + weight
        lexemes = [
            self._lexeme(term) + (":" + label if label else "")
            for term, label in zip(unit.terms, labels, strict=True)
        ]
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
    def _execute(sql, params, *, scans="any"):
        """Run ``sql`` with the planner steered: ``scans`` is "bitmaps" to
        combine the index on ids with the GIN index, "ids" to look articles up
        by id only (reading their vectors)."""
        with transaction.atomic(), connection.cursor() as cursor:
            # For a common word the planner picks a sequential scan, not
            # counting that every row's vector must be read from TOAST: ten
            # times slower than the GIN index (bench/search.py).
            cursor.execute("SET LOCAL enable_seqscan = off")
            # A plan with a disabled scan left in it costs over 10^10, which
            # sets off JIT compilation: 100-200 ms of compiling per query.
            cursor.execute("SET LOCAL jit = off")
            if scans == "bitmaps":
                # Articles by id and the GIN index's matches as two bitmaps
                # ANDed: no vector is read. (As an index scan the planner
                # would check the ids' vectors one by one, reading each from
                # TOAST: it does not count that cost.)
                cursor.execute("SET LOCAL enable_indexscan = off")
            elif scans == "ids":
                cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _count(self, query: Query, queryset, limit: int | None) -> int:
        sub, sub_params = _filtered_ids(queryset)
        sql = (
            # OFFSET 0 keeps the GIN index in use: with a LIMIT the planner
            # would rather walk the primary key, reading every vector.
            "SELECT 1 FROM (SELECT article_id FROM articles_searchdocument"
            " WHERE vector @@ %s::tsquery OFFSET 0) d"
            f" WHERE article_id IN ({sub})"
        )
        params = [self.tsquery(query), *sub_params]
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
        return self._execute(f"SELECT count(*) FROM ({sql}) m", params)[0][0]

    def _matching_among(self, query: Query, ids: list[int], number: int):
        if not _has_phrase(query):
            # The GIN index over the ids' range: no vector is read.
            rows = self._execute(
                "SELECT article_id FROM articles_searchdocument"
                " WHERE article_id BETWEEN %s AND %s AND vector @@ %s::tsquery",
                [min(ids), max(ids), self.tsquery(query)],
                scans="bitmaps",
            )
            return {row[0] for row in rows}, len(ids)
        # A phrase's adjacency is in the vector only: read the vectors
        # (TOAST, 10-20 µs each) newest first, a batch at a time, until there
        # are enough, or until the phrase proves too rare for this window
        # (then the GIN index, which reads the vectors of the articles with
        # the words only, does better).
        found: set[int] = set()
        checked = 0
        while checked < len(ids) and len(found) < number:
            batch = ids[checked : checked + PG_PHRASE_BATCH]
            rows = self._execute(
                "SELECT article_id FROM articles_searchdocument"
                " WHERE article_id = ANY(%s) AND vector @@ %s::tsquery",
                [batch, self.tsquery(query)],
                scans="ids",
            )
            found.update(row[0] for row in rows)
            checked += len(batch)
            if len(found) * len(ids) < checked * number / 2:
                break
        return found, checked

    def _newest_of_all(self, query: Query, queryset, number: int) -> list[int]:
        """The GIN index answers the query with phrases as ANDs exactly,
        without reading the vectors; a phrase's adjacency is then checked on
        those newest first, only until there are enough (OFFSET 0 keeps the
        check above the sort)."""
        newest = (
            _newest_first(queryset)
            .extra(
                # The matches' ids as an array: looked up by primary key,
                # rather than a hash of every article.
                where=[
                    "articles_article.id = ANY(ARRAY(SELECT article_id"
                    " FROM articles_searchdocument WHERE vector @@ %s::tsquery))"
                ],
                params=[self.tsquery(query, adjacent=False)],
            )
            .values("pk")
        )
        sql, params = newest.query.sql_with_params()
        params = list(params)
        if _has_phrase(query):
            sql = (
                f"SELECT s.pk FROM ({sql} OFFSET 0) s WHERE (SELECT p.vector"
                " @@ %s::tsquery FROM articles_searchdocument p"
                " WHERE p.article_id = s.pk)"
            )
            params.append(self.tsquery(query))
        rows = self._execute(f"{sql} LIMIT %s", [*params, number])
        return list(dict.fromkeys(row[0] for row in rows))

    def _class_scores(self, query: Query, ids: list[int]) -> dict[int, int]:
        """Scores by CLASS_WEIGHTS, from the small title-and-meta vector: the
        title class has weight A there, the meta class B."""
        cases, params = [], []
        for unit in query.units:
            cases.append(
                "CASE WHEN title_vector @@ %s::tsquery THEN %s"
                " WHEN title_vector @@ %s::tsquery THEN %s ELSE %s END"
            )
            params += [
                self._unit(unit, weight="A"),
                CLASS_WEIGHTS["title"],
                self._unit(unit, weight="B"),
                CLASS_WEIGHTS["meta"],
                CLASS_WEIGHTS["body"],
            ]
        rows = self._execute(
            f"SELECT article_id, {' + '.join(cases)} FROM articles_searchdocument"
            " WHERE article_id = ANY(%s)",
            [*params, ids],
            scans="bitmaps",
        )
        return dict(rows)

    def _ranked(self, query: Query, queryset, *, limit: int, offset: int, known):
        """Every match ranked by ts_rank over the title vector (the matches
        are few). ``known``: the matches, when counting found them all: then
        no vector is read again for a phrase's adjacency."""
        tsquery = self.tsquery(query)
        order = (
            " ORDER BY coalesce(ts_rank(d.title_vector, %s::tsquery), 0) DESC,"
            " a.publish_at DESC NULLS LAST, a.id DESC LIMIT %s OFFSET %s"
        )
        if known is not None:
            sql = (
                "SELECT d.article_id FROM articles_searchdocument d"
                " JOIN articles_article a ON a.id = d.article_id"
                " WHERE d.article_id = ANY(%s)" + order
            )
            params = [known, tsquery, limit, offset]
        else:
            sub, sub_params = _filtered_ids(queryset)
            sql = (
                "SELECT d.article_id FROM articles_searchdocument d"
                " JOIN articles_article a ON a.id = d.article_id"
                f" WHERE d.vector @@ %s::tsquery AND d.article_id IN ({sub})" + order
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


BACKENDS = {"sqlite": SQLiteBackend, "postgresql": PostgreSQLBackend}


def get_backend():
    """The backend for the default database."""
    vendor = connection.vendor
    if vendor not in BACKENDS:
        raise NotImplementedError(f"No search backend for {vendor}.")
    return BACKENDS[vendor]()
