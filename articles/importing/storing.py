"""Parsed copy to drafts: fingerprints, duplicates, each article all or nothing.

``import_paths`` (the command), ``import_upload`` (the admin) and
``import_text`` return ``FileReport``s. Each article is saved with its byline,
tags, company links, first revision and an ``ImportRecord`` (source file, raw
text, dropped lines, warnings, unknown tickers), all or nothing. A file that
cannot be read or holds no article writes nothing.

This module decides what to write; the edit service writes it
(``editing.create_drafts``, the one writer of article content): the importer
hands it each new article as a ``NewDraft`` with its authors, tags, companies
and ``ImportRecord``, and the service inserts the articles, bylines, links,
records, first revisions and search documents, drafts only (status is
articles/workflow.py's).

Transactions: articles are saved in batches of ``BATCH_SIZE``, one transaction
(one commit) per batch, and the edit service puts each table's rows of the
batch in with one ``bulk_create``: an INSERT and a savepoint per row cost
more in Django than parsing, sanitising and search analysis together. If the
bulk insert fails, the batch is written again with a savepoint per article:
an article that fails rolls back alone and is reported; the others go on. An
article is reported as created only once its batch has committed; if the
commit fails, every article of the batch is reported as an error (none of them
was written), so a report never claims an article the database lacks. A batch
holds SQLite's write lock until it commits (a fraction of a second).

For speed, what a file's articles share is looked up once per file: existing
fingerprints, authors by name, companies by ticker and tags by name.
"""

import hashlib
import unicodedata
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.models import Tag

from companies.models import Company, Ticker
from companies.tickers import TickerSymbol, parse_ticker

from .. import editing, workflow
from ..models import Article, Author, ImportRecord
from ..tagging import fold_tag, spelling_pattern
from . import decoding
from .parsing import ParsedArticle, ParsedFile, ParseLimitError, parse_text
from .report import ArticleResult, FileReport, warning_message

# Names of files a folder import skips: editors' tools leave these about.
SKIPPED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
# Keep IN (...) lists well under SQLite's variable limit.
CHUNK = 500
# Articles per transaction (one commit, so one fsync on SQLite, per batch).
BATCH_SIZE = 100


@dataclass
class ImportOptions:
    kind: str = ""  # brief or feature, for copy that does not say
    author: str = ""  # byline for copy that names no author
    source: str = ""  # source for copy that names none
    dry_run: bool = False
    user: object = None
    max_bytes: int = decoding.max_bytes(None)


def fingerprint(text: str) -> str:
    """SHA-256 of the text without spacing or punctuation, width-folded (NFKC).

    The same copy with other whitespace, full- or half-width punctuation or
    letters has the same fingerprint.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(
        ch for ch in folded if unicodedata.category(ch)[0] not in {"P", "Z", "C"}
    )
    return hashlib.sha256(kept.encode("utf-8")).hexdigest()


# --- entry points ---------------------------------------------------------------------


def import_paths(paths, options: ImportOptions) -> list[FileReport]:
    """Import files and folders (recursively, in name order), one report each."""
    reports = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not p.name.startswith(".")
                and p.name not in SKIPPED_NAMES
            )
            if not files:
                reports.append(FileReport(str(path), error=_("The folder is empty.")))
            reports += [import_file(p, options) for p in files]
        else:
            reports.append(import_file(path, options))
    return reports


def import_file(path: Path, options: ImportOptions) -> FileReport:
    report = FileReport(str(path), dry_run=options.dry_run)
    try:
        data = decoding.read_file(path, limit=options.max_bytes)
    except FileNotFoundError:
        report.error = _("No such file.")
        return report
    except (IsADirectoryError, PermissionError, OSError) as error:
        report.error = _("Cannot read the file: %(error)s") % {
            "error": error.strerror or error
        }
        return report
    except decoding.ImportFileError as error:
        report.error = str(error)
        return report
    return _import_bytes(data, report, options)


def import_upload(upload, options: ImportOptions) -> FileReport:
    """Import an uploaded file (Django ``UploadedFile``)."""
    report = FileReport(upload.name, dry_run=options.dry_run)
    try:
        data = decoding.read_upload(upload, limit=options.max_bytes)
    except decoding.ImportFileError as error:
        report.error = str(error)
        return report
    return _import_bytes(data, report, options)


def _import_bytes(data: bytes, report: FileReport, options) -> FileReport:
    try:
        text, report.encoding = decoding.decode_bytes(data)
    except decoding.ImportFileError as error:
        report.error = str(error)
        return report
    return import_text(decoding.normalise_text(text), report, options)


def read_upload_text(upload, report: FileReport, *, limit: int) -> str | None:
    """An upload's normalised text, or None with ``report.error`` saying why."""
    try:
        data = decoding.read_upload(upload, limit=limit)
        text, report.encoding = decoding.decode_bytes(data)
    except decoding.ImportFileError as error:
        report.error = str(error)
        return None
    return decoding.normalise_text(text)


def import_text(text: str, report: FileReport, options: ImportOptions) -> FileReport:
    """Parse normalised text and create a draft for each new article in it."""
    try:
        parsed = parse_text(text)
    except ParseLimitError as error:
        report.error = _(
            "The file is over the importer's limits (%(limit)s): nothing was "
            "imported. Split it or remove the over-long line."
        ) % {"limit": error}
        return report
    return create_drafts(parsed, report, options)


def create_drafts(parsed: ParsedFile, report: FileReport, options) -> FileReport:
    """Drafts for the parsed articles (the command's split or the preview's).

    The one place imported copy becomes drafts: the command, the admin
    upload and the import preview all end here.
    """
    report.dropped = parsed.dropped
    report.notes = parsed.notes
    if not parsed.articles:
        report.error = _("No recognisable article in the file.")
        return report
    _Importer(parsed.articles, report, options).run()
    return report


# --- storing --------------------------------------------------------------------------


class _Importer:
    def __init__(self, articles: list[ParsedArticle], report, options):
        self.articles = articles
        self.report = report
        self.options = options
        self.prints = [fingerprint(a.content_text) for a in articles]
        self.existing = _existing_fingerprints(self.prints)
        self.hidden = _hidden_fingerprints(self.existing, options.user)
        # Writers may only view authors: a byline naming someone new is left
        # for an editor (a warning on the draft), not created by the import.
        user = options.user
        self.may_add_authors = user is None or user.has_perm("articles.add_author")
        self.authors = _authors_by_name(
            {name for a in articles for name in self._author_names(a)}
        )
        self.companies = _companies_by_ticker(
            {t for a in articles for t in [*a.header_tickers, *a.tickers]}
        )
        self.tags: dict[str, tuple[int, str]] = {}
        self.free_slugs: set[str] = set()
        if not options.dry_run and self.may_add_authors:
            self.free_slugs = _free_slugs(
                {n for a in articles for n in self._author_names(a)} - set(self.authors)
            )
            self.tags = _tag_ids({tag[:100] for a in articles for tag in a.tags})
        self.note = _("Imported from %(file)s") % {"file": Path(report.name).name}

    def _author_names(self, parsed: ParsedArticle) -> list[str]:
        names = parsed.authors or ([self.options.author] if self.options.author else [])
        return [name[:100] for name in names]

    def run(self) -> None:
        seen: set[str] = set()
        todo = []
        for parsed, print_ in zip(self.articles, self.prints, strict=True):
            result = self._result(parsed)
            self.report.articles.append(result)
            if print_ in self.hidden:
                # The same copy is in a draft this person may not see: saying
                # "duplicate" would tell them what a colleague is writing.
                result.error = _("Not imported: ask an editor to import this copy.")
                continue
            if print_ in self.existing or print_ in seen:
                result.duplicate = True
                continue
            seen.add(print_)
            if not self.options.dry_run:
                todo.append((parsed, print_, result))
        for start in range(0, len(todo), BATCH_SIZE):
            self._store_batch(todo[start : start + BATCH_SIZE])

    def _store_batch(self, batch) -> None:
        """One transaction for the batch, each table's rows inserted in one go."""
        try:
            self._transaction(partial(self._write, batch))
        except DatabaseError:
            # The rows went in together, so which article broke the insert (a
            # fingerprint imported meanwhile, a constraint) is unknown; none of
            # the batch was kept. Again with a savepoint per article, so that
            # article alone is lost and reported.
            self._store_each(batch)

    def _store_each(self, batch) -> None:
        """One transaction for the batch, a savepoint for each article in it."""
        try:
            self._transaction(partial(self._write_each, batch))
        except DatabaseError as error:
            # The batch did not commit (the commit itself failed, say): none
            # of its articles exist, whatever their savepoints said.
            for _parsed, _print, result in batch:
                if not result.error and not result.duplicate:
                    result.error = _("Could not be saved: %(error)s") % {"error": error}

    def _transaction(self, write) -> None:
        """``write(new_authors)`` in one transaction.

        Only once it has committed are the articles reported as created and
        the authors it created remembered for the next batches.
        """
        new_authors: dict[str, Author] = {}
        with transaction.atomic():
            saved = write(new_authors)
        self.authors.update(new_authors)
        for result, article in saved:
            result.article_id = article.pk

    def _write_each(self, batch, new_authors) -> list[tuple[ArticleResult, Article]]:
        """``_write`` one article at a time, each in a savepoint of its own."""
        saved = []
        for item in batch:
            _parsed, print_, result = item
            # Authors created in a savepoint that rolls back do not exist.
            authors = dict(new_authors)
            try:
                with transaction.atomic():
                    saved += self._write([item], authors)
            except IntegrityError:
                if ImportRecord.objects.filter(fingerprint=print_).exists():
                    result.duplicate = True  # imported meanwhile elsewhere
                else:
                    result.error = _("Could not be saved (database constraint).")
            except DatabaseError as error:
                result.error = _("Could not be saved: %(error)s") % {"error": error}
            else:
                new_authors.update(authors)
        return saved

    def _result(self, parsed: ParsedArticle) -> ArticleResult:
        if parsed.brief:
            kind = Article.Kind.BRIEF
        elif self.options.kind:
            kind = self.options.kind
        else:
            kind = parsed.guess_kind()
        warnings = list(parsed.warnings)
        if len(parsed.headline) > 200:
            warnings.append("headline_cut")
        authors = self._author_names(parsed)
        if not self.may_add_authors:
            unknown = [name for name in authors if name not in self.authors]
            if unknown:
                warnings.append("byline_unresolved:" + "、".join(unknown))
                authors = [name for name in authors if name in self.authors]
        return ArticleResult(
            headline=parsed.headline[:200],
            kind=str(kind),
            authors=authors,
            tickers=list(parsed.tickers),
            tags=[tag[:100] for tag in parsed.tags],
            source=(parsed.source or self.options.source)[:200],
            script=parsed.script,
            dropped=list(parsed.dropped),
            warnings=warnings,
            lines=_split_lines(parsed) if self.options.dry_run else [],
        )

    def _write(self, items, new_authors) -> list[tuple[ArticleResult, Article]]:
        """These articles as new drafts, through the edit service; returns
        each article's result and saved article."""
        drafts = [self._draft(*item, new_authors) for item in items]
        articles = editing.create_drafts(drafts, by=self.options.user, note=self.note)
        return [(result, a) for (*_, result), a in zip(items, articles, strict=True)]

    def _draft(self, parsed, print_, result, new_authors) -> editing.NewDraft:
        """The draft of one article, with what goes with it."""
        article = Article(
            kind=result.kind,
            headline=result.headline,
            title_en=parsed.title_en[:250],
            dek=parsed.dek[:500],
            key_points=parsed.key_points,
            body=parsed.body_html,
            source=result.source,
            script=result.script or Article.Script.HANT,
        )
        companies, result.unknown_tickers = self._companies(parsed)
        record = ImportRecord(
            article=article,
            source_name=self.report.name[:500],
            raw_text=parsed.raw_text,
            fingerprint=print_,
            dropped_lines=[d.as_json() for d in parsed.dropped],
            warnings=[warning_message(code) for code in result.warnings],
            unknown_tickers=result.unknown_tickers,
            imported_by=self.options.user,
        )
        return editing.NewDraft(
            article,
            authors=self._byline(result.authors, new_authors),
            tags=[self.tags[fold_tag(tag)] for tag in result.tags],
            companies=companies,
            rows=[record],
        )

    def _byline(self, names: list[str], new_authors: dict[str, Author]) -> list:
        """The authors of these names, in order, creating those that are new."""
        authors = []
        for name in dict.fromkeys(names):
            author = self.authors.get(name) or new_authors.get(name)
            if author is None:
                slug = _unique_slug(name, self.free_slugs)
                author = Author.objects.create(name=name, slug=slug)
                new_authors[name] = author
            authors.append(author)
        return authors

    def _companies(self, parsed: ParsedArticle) -> tuple[list[Company], list[str]]:
        """The companies of the article's tickers, and the unknown tickers.

        What link_companies_from_tickers does for a new article (there are no
        removed links yet), with the companies looked up once per file; ticker
        lines above the headline count too.
        """
        companies, unknown = {}, []
        for text in dict.fromkeys([*parsed.header_tickers, *parsed.tickers]):
            company = self.companies.get(text)
            if company is None:
                unknown.append(text)
            else:
                companies.setdefault(company.pk, company)
        return list(companies.values()), unknown


_ROLE_NAMES = {"dropped": "junk", "marker": "meta", "tags": "meta", "tickers": "meta",
               "date": "meta"}  # fmt: skip


def _split_lines(parsed: ParsedArticle) -> list[tuple[str, float, str, str]]:
    """The article's lines with their roles, as the preview names them."""
    lines = []
    for piece in parsed.pieces:
        text = piece.text or "\n".join(m.text for m in piece.members if m.text)
        if piece.kind == "blank" or not text:
            continue
        role = _ROLE_NAMES.get(piece.role, piece.role or "junk")
        lines.append((role, piece.confidence, piece.reason, text))
    return lines


def _tag_ids(names: set[str]) -> dict[str, tuple[int, str]]:
    """Folded tag name → (tag id, tag name), creating the tags that are missing.

    Tags are matched without regard to case or script, as the admin's tag
    field matches them (articles/tagging.py): #电动车 is the tag 電動車. A tag
    created for an article that then fails to save is left unused, as the
    admin's tag field would leave it.
    """
    found: dict[str, tuple[int, str]] = {}
    wanted = {fold_tag(name): name for name in names if name.strip()}
    for start in range(0, len(wanted), CHUNK):
        # One regular expression for the chunk: each row is matched once.
        chunk = list(wanted.values())[start : start + CHUNK]
        pattern = "^(?:" + "|".join(map(spelling_pattern, chunk)) + ")$"
        tags = Tag.objects.filter(name__regex=pattern).order_by("pk")
        for tag_id, name in tags.values_list("pk", "name"):
            found.setdefault(fold_tag(name), (tag_id, name))
    for key, name in wanted.items():
        if key not in found:
            tag = Tag(name=name)
            tag.save()  # Tag.save() makes a unique slug
            found[key] = (tag.pk, tag.name)
    return found


def _existing_fingerprints(prints: list[str]) -> set[str]:
    found: set[str] = set()
    unique = list(dict.fromkeys(prints))
    for start in range(0, len(unique), CHUNK):
        found |= set(
            ImportRecord.objects.filter(
                fingerprint__in=unique[start : start + CHUNK]
            ).values_list("fingerprint", flat=True)
        )
    return found


def _hidden_fingerprints(existing: set[str], user) -> set[str]:
    """The fingerprints among ``existing`` whose article ``user`` may not see."""
    if user is None or not existing:
        return set()
    records = ImportRecord.objects.filter(fingerprint__in=existing)
    visible = workflow.visible_to(user, records, via="article__")
    return existing - set(visible.values_list("fingerprint", flat=True))


def _authors_by_name(names: set[str]) -> dict[str, Author]:
    """Existing authors by exact name; the oldest wins when names repeat."""
    found: dict[str, Author] = {}
    ordered = sorted(names)
    for start in range(0, len(ordered), CHUNK):
        for author in Author.objects.filter(
            name__in=ordered[start : start + CHUNK]
        ).order_by("-pk"):
            found[author.name] = author
    return found


def _companies_by_ticker(texts: set[str]) -> dict[str, Company]:
    """Ticker text (``6638.HK``) → company (tickers prefetched), for those we know."""
    symbols = []
    for text in texts:
        try:
            symbols.append(parse_ticker(text))
        except ValueError:
            continue
    found: dict[str, Company] = {}
    for start in range(0, len(symbols), CHUNK):
        query = Q()
        for symbol in symbols[start : start + CHUNK]:
            query |= Q(exchange=symbol.exchange, symbol=symbol.symbol)
        tickers = Ticker.objects.filter(query, company__isnull=False)
        for ticker in tickers.select_related("company"):
            found[str(TickerSymbol(ticker.exchange, ticker.symbol))] = ticker.company
    # The search index reads every ticker of a company: fetch them once.
    companies = list({company.pk: company for company in found.values()}.values())
    prefetch_related_objects(
        companies, Prefetch("tickers", queryset=Ticker.objects.all())
    )
    return found


def _base_slug(name: str) -> str:
    return slugify(name)[:80] or (
        "author-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    )


def _free_slugs(names) -> set[str]:
    """The base slugs of these names that no author has yet (one query a chunk)."""
    bases = sorted({_base_slug(name) for name in names})
    free = set(bases)
    for start in range(0, len(bases), CHUNK):
        free -= set(
            Author.objects.filter(slug__in=bases[start : start + CHUNK]).values_list(
                "slug", flat=True
            )
        )
    return free


def _unique_slug(name: str, free: set[str] | None = None) -> str:
    """An ASCII slug for a new author: from a Latin name, else from a hash.

    Chinese names have no ASCII spelling we can derive reliably (Cantonese
    or Mandarin romanisation is the author's choice); editors can change it.
    A base slug in ``free`` (``_free_slugs``) is taken without asking the
    database, once.
    """
    base = _base_slug(name)
    if free is not None and base in free:
        free.discard(base)
        return base
    slug, n = base, 2
    while Author.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
